"""Presence: who has an item's change form open, from the heartbeats their browsers send.

Kept in the Django cache (Redis in production, shared by every web process), one key
per item holding {user id: [name, last heartbeat]}. A user who stops sending heartbeats
(closed the tab, lost the network) drops out after two missed ones
(twice CONTENT_PRESENCE_HEARTBEAT_SECONDS). Two heartbeats landing at the same instant
may each write the entry without the other's beat; the next heartbeat puts it back, so
nobody is missing for longer than one interval. Nothing here is content: no database
write, no audit.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache

from content.models import PublishableCore


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


def heartbeat_seconds() -> int:
    return settings.CONTENT_PRESENCE_HEARTBEAT_SECONDS


def _ttl() -> int:
    return 2 * heartbeat_seconds()


def _key(entry: PublishableCore) -> str:
    content_type = ContentType.objects.get_for_model(entry)
    return f"folio:presence:{content_type.pk}:{entry.pk}"


def _fresh(roster: dict, now: float) -> dict:
    return {uid: seen for uid, seen in roster.items() if now - seen[1] < _ttl()}


def presence_beat(*, entry: PublishableCore, user: Any, now: float | None = None) -> list[Present]:
    """Record that `user` has `entry` open now; return everyone else who has it open."""
    now = time.time() if now is None else now
    key = _key(entry)
    roster = _fresh(cache.get(key) or {}, now)
    roster[user.pk] = [user.get_full_name(), now]
    cache.set(key, roster, timeout=_ttl())
    return [Present(uid, seen[0]) for uid, seen in sorted(roster.items()) if uid != user.pk]


def presence_leave(*, entry: PublishableCore, user: Any, now: float | None = None) -> None:
    """`user` closed the form: drop them at once rather than after two missed heartbeats."""
    now = time.time() if now is None else now
    key = _key(entry)
    roster = _fresh(cache.get(key) or {}, now)
    if roster.pop(user.pk, None) is not None:
        cache.set(key, roster, timeout=_ttl())
