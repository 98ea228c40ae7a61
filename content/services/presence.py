"""Presence: who has an item's change form open, from the heartbeats their browsers send
(over HTTP, content.admin.editing) or that the editors' WebSocket sends for them while it
is open (realtime.editors).

Kept in the `presence` cache (config/settings/data.py: the shared cache where there is
one, else files under var/, since the web process and the ASGI process both read and
write it), one key per item holding {user id: [name, last heartbeat]}. A user who stops
sending heartbeats (closed the tab, lost the network) drops out after two missed ones
(twice CONTENT_PRESENCE_HEARTBEAT_SECONDS). Two heartbeats landing at the same instant
may each write the entry without the other's beat; the next heartbeat puts it back, so
nobody is missing for longer than one interval. Nothing here is content: no database
write, no audit.

When the roster changes (someone arrives, leaves, or is found gone), the service sends
`content.hooks.presence_changed` with everyone present, so that others' pages learn of
it at once (realtime) rather than at their next heartbeat.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import BaseCache, caches

from content import hooks
from content.models import PublishableCore
from content.types import entry_type_for


@dataclass(frozen=True)
class Present:
    """Someone with the item open."""

    user_id: int
    name: str

    @property
    def initials(self) -> str:
        parts = [part for part in self.name.replace("@", " ").split() if part]
        return "".join(part[0] for part in parts[:2]).upper() or "?"

    def as_json(self) -> dict[str, Any]:
        return {"id": self.user_id, "name": self.name, "initials": self.initials}


def item_key(entry: PublishableCore) -> str:
    """How the editors' live channel names an item: "<type's API name>:<id>" ("article:42")."""
    return f"{entry_type_for(entry).api_name}:{entry.pk}"


def heartbeat_seconds() -> int:
    return settings.CONTENT_PRESENCE_HEARTBEAT_SECONDS


def _ttl() -> int:
    return 2 * heartbeat_seconds()


def _cache() -> BaseCache:
    return caches["presence" if "presence" in settings.CACHES else "default"]


def _key(entry: PublishableCore) -> str:
    content_type = ContentType.objects.get_for_model(entry)
    return f"folio:presence:{content_type.pk}:{entry.pk}"


def _fresh(roster: dict, now: float) -> dict:
    return {uid: seen for uid, seen in roster.items() if now - seen[1] < _ttl()}


def _roster(roster: dict) -> list[Present]:
    return [Present(uid, seen[0]) for uid, seen in sorted(roster.items())]


def _announce(entry: PublishableCore, roster: dict) -> None:
    hooks.announce(hooks.presence_changed, entry, item=item_key(entry), present=_roster(roster))


def presence_beat(*, entry: PublishableCore, user: Any, now: float | None = None) -> list[Present]:
    """Record that `user` has `entry` open now; return everyone else who has it open."""
    now = time.time() if now is None else now
    key = _key(entry)
    stored = _cache().get(key) or {}
    roster = _fresh(stored, now)
    name = user.get_full_name()
    changed = len(roster) != len(stored) or roster.get(user.pk, [None])[0] != name
    roster[user.pk] = [name, now]
    _cache().set(key, roster, timeout=_ttl())
    if changed:
        _announce(entry, roster)
    return [person for person in _roster(roster) if person.user_id != user.pk]


def presence_leave(
    *,
    entry: PublishableCore,
    user: Any,
    now: float | None = None,
    last_beat: float | None = None,
) -> None:
    """`user` closed the form: drop them at once rather than after two missed heartbeats.
    With `last_beat` (the closing page's last heartbeat), not if they beat since: another
    tab of theirs, or the same form reloaded, whose arrival came first."""
    now = time.time() if now is None else now
    key = _key(entry)
    roster = _fresh(_cache().get(key) or {}, now)
    seen = roster.get(user.pk)
    if seen is not None and last_beat is not None and seen[1] > last_beat:
        return
    if roster.pop(user.pk, None) is not None:
        _cache().set(key, roster, timeout=_ttl())
        _announce(entry, roster)
