"""The editors' admin for content: one module per concern. Taxonomy and media register on
import; each publishable type's admin (content.admin.entries) registers as the type is
registered, which happens after this import (apps' ready() run after the admin's
autodiscovery)."""

from __future__ import annotations

from content.admin import entries, grants, media, taxonomy
from content.types import for_each_entry_type

for_each_entry_type(entries.entry_admin_register)

__all__ = ["entries", "grants", "media", "taxonomy"]
