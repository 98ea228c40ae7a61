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
    runtime_entries,
    saved_views_manage,
    taxonomy,
    typedefs,
)
from content.runtime.registry import on_reload
from content.types import EntryType, for_each_entry_type


def _code_type_admin(entry_type: EntryType) -> None:
    if not entry_type.runtime:  # runtime types come and go with the registry's reloads
        entries.entry_admin_register(entry_type)


for_each_entry_type(_code_type_admin)
on_reload(runtime_entries.admin_reload)

__all__ = [
    "entries",
    "grants",
    "media",
    "runtime_entries",
    "saved_views_manage",
    "taxonomy",
    "typedefs",
]
