"""Content exchange: JSONL export and import that survive a move to an empty database.

One JSON object per line, each with a `type`: locale, category, tag, media (file bytes
in base64), page, article, redirect, in an order where everything a line refers to
came before it. References use natural keys (locale codes, slugs, sha256 digests,
translation keys, user emails), never database ids. The format is described in
docs/commands.md.
"""

from __future__ import annotations

from content.exchange.exporter import content_export
from content.exchange.importer import ImportFailure, ImportReport, content_import

FORMAT_VERSION = 1

__all__ = ["FORMAT_VERSION", "ImportFailure", "ImportReport", "content_export", "content_import"]
