"""Seeding: realistic demo content through the services, and a bulk path for volume.

`demo_content_create` (content.seeding.demo) is what `seed_demo` writes on a fresh
site; `articles_bulk_create` (content.seeding.bulk) tops a site up to N published
articles fast, for `seed_demo --articles N` and for bench/seed.py.
"""

from __future__ import annotations

from content.seeding.bulk import BulkFixtures, articles_bulk_create, bulk_count

__all__ = ["BulkFixtures", "articles_bulk_create", "bulk_count"]
