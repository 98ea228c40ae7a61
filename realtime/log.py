"""The event log: every event gets its id here, per stream, and the last few are kept.

Two streams, never mixed: "delivery" (what frontends hear: published content only) and
"editors" (the admin's presence, locks and changes, drafts included). A delivery client
that reconnects is sent what it missed from the replay window (REALTIME_REPLAY_EVENTS
events, none older than REALTIME_REPLAY_SECONDS); the editors' stream has no replay and
keeps its events only as long as the ASGI processes need to read them (EDITORS_KEEP_*).

Where the cache is Redis, a Redis stream per stream name (XADD ... MAXLEN ~): its ids
("1765000000000-0") follow commit order across processes. Elsewhere (the embedded
default) a database table, which every process of `make run` shares. Either way an ASGI
process on the in-memory channel layer reads new events from here (realtime.fanout), so
the web process and the Celery worker reach its listeners without a server.

Ids are opaque to clients; `order` compares them.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import connection, transaction
from django.utils import timezone
from django_redis import get_redis_connection
from django_redis.cache import RedisCache

from realtime.models import LoggedEvent

Event = dict[str, Any]
DELIVERY, EDITORS = "delivery", "editors"
# The editors' events wait here only until every ASGI process has read them (each reads
# every REALTIME_POLL_SECONDS): a minute is ample.
EDITORS_KEEP_EVENTS, EDITORS_KEEP_SECONDS = 1000, 60


@dataclass(frozen=True)
class Window:
    """How many events a stream keeps, and for how long."""

    events: int
    seconds: float


def window(stream: str) -> Window:
    if stream == DELIVERY:
        return Window(settings.REALTIME_REPLAY_EVENTS, settings.REALTIME_REPLAY_SECONDS)
    if stream == EDITORS:
        return Window(EDITORS_KEEP_EVENTS, EDITORS_KEEP_SECONDS)
    raise ValueError(f"No event stream is called {stream!r}.")


def order(event_id: Any) -> tuple[int, ...] | None:
    """An event id as something to compare ("12" and "1765000000000-3" alike), or None."""
    if not isinstance(event_id, str | int) or len(str(event_id)) > 40:
        return None
    try:
        return tuple(int(part) for part in str(event_id).split("-"))
    except ValueError:
        return None


class EventLog:
    def __init__(self, stream: str) -> None:
        self.stream, self.window = stream, window(stream)

    def append(self, events: list[Event]) -> list[Event]:
        """Keep the events, each with its `event_id`; returns them so."""
        raise NotImplementedError

    def after(self, event_id: str | None, limit: int = 500) -> list[Event]:
        """The kept events after `event_id`, oldest first."""
        raise NotImplementedError

    def bounds(self) -> tuple[str | None, str | None]:
        """The ids of the oldest and the newest kept event."""
        raise NotImplementedError

    def since(self, event_id: Any) -> list[Event] | None:
        """What a client that saw `event_id` missed, or None if the window cannot say: the
        id is unknown, or older than the window (events between may have gone)."""
        seen = order(event_id)
        oldest, newest = self.bounds()
        if seen is None or newest is None:
            return None
        if seen < order(oldest) or seen > order(newest):
            return None
        return self.after(str(event_id), limit=self.window.events)


class TableLog(EventLog):
    # PostgreSQL: appends take turns, so ids commit in their order and a reader that has
    # seen id n never finds a smaller one later (SQLite writes one at a time anyway). One
    # lock for every stream: their ids come from one sequence.
    LOCK = 0x466F6C696F5254  # "FolioRT"

    def rows(self):
        return LoggedEvent.objects.filter(stream=self.stream)

    def append(self, events: list[Event]) -> list[Event]:
        now = timezone.now()
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [self.LOCK])
            rows = LoggedEvent.objects.bulk_create(
                LoggedEvent(stream=self.stream, created_at=now, payload=event) for event in events
            )
            self.trim(now)
        return [{**row.payload, "event_id": str(row.pk)} for row in rows]

    def trim(self, now) -> None:
        """Drop what is past the window: beyond its newest `events`, or too old."""
        past = self.rows().order_by("-pk").values_list("pk", flat=True)[self.window.events :][:1]
        if past:
            self.rows().filter(pk__lte=past[0]).delete()
        self.rows().filter(created_at__lt=now - timedelta(seconds=self.window.seconds)).delete()

    def after(self, event_id: str | None, limit: int = 500) -> list[Event]:
        rows = self.rows().filter(pk__gt=int(event_id or 0)).order_by("pk")[:limit]
        return [{**row.payload, "event_id": str(row.pk)} for row in rows]

    def bounds(self) -> tuple[str | None, str | None]:
        ids = self.rows().order_by("pk").values_list("pk", flat=True)
        oldest, newest = ids.first(), ids.last()
        return (str(oldest) if oldest else None, str(newest) if newest else None)


class StreamLog(EventLog):
    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.key = caches["default"].make_key(f"realtime:{stream}")
        self.redis = get_redis_connection("default")

    def append(self, events: list[Event]) -> list[Event]:
        oldest = int((time.time() - self.window.seconds) * 1000)
        pipe = self.redis.pipeline(transaction=True)
        for event in events:
            fields = {"e": json.dumps(event, separators=(",", ":"))}
            pipe.xadd(self.key, fields, maxlen=self.window.events, approximate=True)
        pipe.xtrim(self.key, minid=f"{oldest}-0", approximate=False)
        ids = pipe.execute()[: len(events)]
        return [{**e, "event_id": _text(i)} for e, i in zip(events, ids, strict=True)]

    def after(self, event_id: str | None, limit: int = 500) -> list[Event]:
        start = f"({event_id}" if event_id else "-"
        entries = self.redis.xrange(self.key, min=start, max="+", count=limit)
        return [{**json.loads(fields[b"e"]), "event_id": _text(i)} for i, fields in entries]

    def bounds(self) -> tuple[str | None, str | None]:
        first = self.redis.xrange(self.key, count=1)
        last = self.redis.xrevrange(self.key, count=1)
        return (_text(first[0][0]) if first else None, _text(last[0][0]) if last else None)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def event_log(stream: str = DELIVERY) -> EventLog:
    """The stream's log: a Redis stream where the cache is Redis, else the database table."""
    if isinstance(caches["default"], RedisCache):
        return StreamLog(stream)
    return TableLog(stream)
