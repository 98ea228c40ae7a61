"""Every write to content goes through these services (the admin, API, tasks and commands).

Every function works on any publishable type registered in content.types; a type's own
behaviour (the page tree: content.services.pages) plugs in through its EntryBehaviour.
"""

from __future__ import annotations

from content.services.edit_locks import entry_lock, entry_unlock
from content.services.entries import entry_create, entry_update, locale_default
from content.services.lifecycle import (
    entry_approve,
    entry_archive,
    entry_publish,
    entry_reject,
    entry_schedule,
    entry_submit,
    entry_unpublish,
    revision_revert,
)
from content.services.media import (
    media_delete,
    media_focal_point_set,
    media_update,
    media_upload,
)
from content.services.pages import page_move
from content.services.preview import preview_link_create, preview_token_load
from content.services.renditions import rendition_get_or_create
from content.services.review import entry_mark_reviewed, entry_set_owner
from content.services.scheduling import publish_scheduled
from content.services.trash import entry_restore, entry_trash

__all__ = [
    "entry_approve",
    "entry_archive",
    "entry_create",
    "entry_lock",
    "entry_mark_reviewed",
    "entry_publish",
    "entry_reject",
    "entry_restore",
    "entry_schedule",
    "entry_set_owner",
    "entry_submit",
    "entry_trash",
    "entry_unlock",
    "entry_unpublish",
    "entry_update",
    "locale_default",
    "media_delete",
    "media_focal_point_set",
    "media_update",
    "media_upload",
    "page_move",
    "preview_link_create",
    "preview_token_load",
    "publish_scheduled",
    "rendition_get_or_create",
    "revision_revert",
]
