"""What the editors' channel (realtime.editors) asks of content, in the consumer's
thread: which item a watch names and whether its user may view it (the admin change
view's own rule), the item's state as the user's change form shows it, and presence."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered
from django.http import HttpRequest

from content.admin.editing import lock_json, presence_json
from content.models import PublishableCore
from content.services import presence
from content.services.edit_locks import LOCK_FIELDS
from content.types import entry_type
from realtime.editor_events import REVIEW_QUEUE
from realtime.subscriptions import FrameError

MAX_ITEM_LENGTH = 200


def checked_name(item: Any) -> str:
    """A watch's `item`, if it is one: "<type>:<id>" or "review_queue"; else FrameError."""
    if not isinstance(item, str) or not 0 < len(item) <= MAX_ITEM_LENGTH:
        raise FrameError(
            "invalid_item", 'Name an item as "<type>:<id>" ("article:42") or "review_queue".'
        )
    if item != REVIEW_QUEUE and not item.partition(":")[2]:
        raise FrameError(
            "invalid_item",
            'Name an item as "<type>:<id>" ("article:42") or "review_queue".',
            item=item,
        )
    return item


def viewable_item(user: Any, item: str) -> PublishableCore:
    """The item `item` names, if `user` may view it in the admin (its ModelAdmin's change
    view rule: section grants included); FrameError `item_not_found` otherwise, whether
    it does not exist or is not theirs to see, as the admin answers 404 to both."""
    api_name, _, object_id = item.partition(":")
    refused = FrameError("item_not_found", "No such item, or you may not view it.", item=item)
    try:
        model_admin = admin.site.get_model_admin(entry_type(api_name).model)
    except (LookupError, NotRegistered):
        raise refused from None
    request = HttpRequest()
    request.method, request.user = "GET", user
    entry = model_admin.viewable(request, object_id)
    if entry is None:
        raise refused
    return entry


def join(entry: PublishableCore, user: Any, now: float) -> dict[str, Any]:
    """`user` has the item open: present from `now` on; what the page shows of it."""
    others = presence.presence_beat(entry=entry, user=user, now=now)
    return presence_json(entry, user, others)


def beat(entries: list[PublishableCore], user: Any, now: float) -> None:
    """The heartbeat the page would send over HTTP, for each item the connection watches."""
    for entry in entries:
        presence.presence_beat(entry=entry, user=user, now=now)


def leave(leaving: list[tuple[PublishableCore, float]], user: Any) -> None:
    """The connection closed or stopped watching (each item with its last heartbeat):
    `user` leaves, unless another page of theirs beat since (a reload, another tab)."""
    for entry, last_beat in leaving:
        presence.presence_leave(entry=entry, user=user, last_beat=last_beat)


def lock_state(entry: PublishableCore, user: Any) -> dict[str, Any]:
    """The item's lock as it is now, for `user`'s banner."""
    entry.refresh_from_db(fields=LOCK_FIELDS)
    return lock_json(entry, user)
