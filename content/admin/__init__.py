"""The editors' admin for content: one module per concern. Taxonomy, media and content
types register on import; each code-defined type's admin (content.admin.entries)
registers as the type is registered, which happens after this import (apps' ready() run
after the admin's autodiscovery). Runtime types' admins follow the runtime registry
instead (content.admin.runtime_entries), re-registered after every reload."""

from __future__ import annotations

from content.admin import (
    entries,
    grants,
    media,
    releases,
    runtime_entries,
    saved_views_manage,
    taxonomy,
    typedefs,
)
from content.admin.saved_views import saved_view_links
from content.runtime.registry import on_reload
from content.types import EntryType, for_each_entry_type
from core import admin_nav


def _code_type_admin(entry_type: EntryType) -> None:
    if not entry_type.runtime:  # runtime types come and go with the registry's reloads
        entries.entry_admin_register(entry_type)


for_each_entry_type(_code_type_admin)
on_reload(runtime_entries.admin_reload)
# The views the user saved or was shared, as a sidebar group of their own (core.admin_nav).
admin_nav.register_items("Saved views", saved_view_links)

__all__ = [
    "entries",
    "grants",
    "media",
    "releases",
    "runtime_entries",
    "saved_views_manage",
    "taxonomy",
    "typedefs",
]
