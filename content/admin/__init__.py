"""The editors' admin for content: one module per concern, registered on import."""

from __future__ import annotations

from content.admin import articles, media, pages, taxonomy

__all__ = ["articles", "media", "pages", "taxonomy"]
