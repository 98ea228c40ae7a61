"""Seed N published articles for the benchmark, through the shared bulk seeder.

Each article has a category, 3 tags, a cover image, 2 authors and a body of about
1,500 words, with a live revision and a delivery snapshot exactly as
content.seeding.articles_bulk_create writes them for `seed_demo --articles N` (the
snapshots through the delivery service's writer). Only the benchmark's own fixtures
(taxonomy, authors, images) are made here.
"""

from __future__ import annotations

import hashlib
import io
import os
import time

from django.core.files.base import ContentFile
from PIL import Image

from accounts.models import User
from content.models import Category, MediaAsset, Tag
from content.seeding import BulkFixtures, articles_bulk_create
from content.services import locale_default


def _images(count: int) -> list[MediaAsset]:
    # Written directly rather than through media_upload: its on-commit rendition task
    # would queue work for a worker the benchmark does not run.
    assets = []
    for i in range(count):
        out = io.BytesIO()
        Image.new("RGB", (64, 48), (i * 5 % 256, 120, 200)).save(out, format="PNG")
        data = out.getvalue()
        digest = hashlib.sha256(data).hexdigest()
        asset = MediaAsset.objects.filter(sha256=digest).first()
        if asset is None:
            asset = MediaAsset(
                kind="image",
                title=f"Cover {i}",
                alt_text=f"Cover {i}",
                width=64,
                height=48,
                size=len(data),
                sha256=digest,
                mime_type="image/png",
            )
            asset.file.save(f"bench-{i}.png", ContentFile(data), save=False)
            asset.save()
        assets.append(asset)
    return assets


def fixtures() -> BulkFixtures:
    locale = locale_default()
    return BulkFixtures(
        locale=locale,
        categories=[
            Category.objects.get_or_create(
                locale=locale, slug=f"cat-{i}", defaults={"name": f"Category {i}"}
            )[0]
            for i in range(10)
        ],
        tags=[
            Tag.objects.get_or_create(
                locale=locale, slug=f"tag-{i}", defaults={"name": f"Tag {i}"}
            )[0]
            for i in range(30)
        ],
        authors=[
            User.objects.get_or_create(
                email=f"author{i}@bench.local", defaults={"full_name": f"Author {i}"}
            )[0]
            for i in range(20)
        ],
        images=_images(20),
    )


# About 1,500 words a body: delivery is measured on realistic payload sizes. Fewer
# paragraphs make a million-article run practical on a small machine (see docs).
PARAGRAPHS = int(os.environ.get("BENCH_PARAGRAPHS", "17"))
# Processes writing batches side by side (PostgreSQL only; see articles_bulk_create).
WORKERS = int(os.environ.get("BENCH_SEED_WORKERS", str(os.cpu_count() or 1)))


def seed(
    total: int,
    *,
    batch: int = 1000,
    log=print,
    paragraphs: int = PARAGRAPHS,
    workers: int = WORKERS,
) -> None:
    started = time.monotonic()

    def progress(done: int, total: int) -> None:
        elapsed = time.monotonic() - started
        log(f"  seeded {done}/{total} articles ({elapsed:.0f}s)")

    result = articles_bulk_create(
        fixtures=fixtures(),
        total=total,
        slug_prefix="bench-",
        batch_size=batch,
        paragraphs=paragraphs,
        words=(60, 120),
        workers=workers,
        progress=progress,
    )
    elapsed = max(time.monotonic() - started, 1e-6)
    log(
        f"  seeded {result.articles} articles in {elapsed:.0f}s ({result.workers} worker(s), "
        f"{paragraphs} paragraphs a body): {result.articles / elapsed:.0f} articles/s, "
        f"{result.rows / elapsed:.0f} rows/s"
    )
