"""`/ws/admin/`: the admin's live channel (docs/realtime.md). Who else has an item
open, its lock, changes others make to it, and the review queue.

Staff only: the admin's session cookie, or a JWT (realtime.access.authenticate_editor);
the admin's own origins only (realtime.access.AdminOriginValidator). Client frames, as
on every channel (realtime.consumers.FramedConsumer):
  {"action": "watch", "item": "article:42"}   -> {"event": "watching", "item", "others",
                                                  "lock", "lock_banner", "locked_for_you",
                                                  "version"} (what a presence heartbeat
                                                  answers), then the item's events
  {"action": "watch", "item": "review_queue"} -> {"event": "watching", "item"}, then
                                                  {"event": "review_queue", ...}
  {"action": "unwatch", "item": ...}          -> {"event": "unwatched", "item"}
An item the user may not view in the admin is `item_not_found`, and nothing of it is sent.

While it watches an item the connection is present on it (content.services.presence),
its heartbeat sent here every CONTENT_PRESENCE_HEARTBEAT_SECONDS, and it leaves when it
unwatches or disconnects. Events (realtime.editor_events), for a watched item only:
  {"event": "presence", "item", "others": [{"id", "name", "initials"}]} when who else
                                                  has it open changed
  {"event": "lock", "item", "locked", "actor", "lock", "lock_banner", "locked_for_you"}
  {"event": "changed", "item", "action", "text", "actor", "version", "status", "by_you"}
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from channels.db import database_sync_to_async

from content.models import PublishableCore
from content.services.presence import heartbeat_seconds
from realtime import access, watching
from realtime.consumers import FramedConsumer
from realtime.credentials import Credential
from realtime.editor_events import REVIEW_QUEUE
from realtime.listening import Joined
from realtime.log import EDITORS
from realtime.subscriptions import FrameError

logger = logging.getLogger(__name__)


class EditorsConsumer(Joined, FramedConsumer):
    stream = EDITORS
    actions = ("watch", "unwatch")
    beating: asyncio.Task | None = None

    def authenticate(self) -> Credential:
        self.user, credential = access.authenticate_editor(self.scope)
        return credential

    async def open(self) -> None:
        # The items watched, by name: the item, or None for the review queue.
        self.watched: dict[str, PublishableCore | None] = {}
        self.others: dict[str, list[dict]] = {}  # who else it last told the client of
        self.beaten: dict[str, float] = {}  # when it last said its user is there, per item
        await self.join()
        self.beating = asyncio.create_task(self.keep_present())

    async def shut(self) -> None:
        if self.beating is not None:
            self.beating.cancel()
        await self.leave()
        leaving = self.leaving()
        if leaving:
            self.watched.clear()
            await database_sync_to_async(watching.leave)(leaving, self.user)

    def entries(self) -> list[PublishableCore]:
        return [entry for entry in self.watched.values() if entry is not None]

    def leaving(self) -> list[tuple[PublishableCore, float]]:
        """Each watched item, with when this connection last said its user is there."""
        return [(e, self.beaten[item]) for item, e in self.watched.items() if e is not None]

    async def on_watch(self, frame: dict[str, Any]) -> None:
        item = watching.checked_name(frame.get("item"))
        if item not in self.watched:
            self.ensure_room(len(self.watched))
        if item == REVIEW_QUEUE:
            self.watched[item] = None
            await self.send_json({"event": "watching", "item": item})
            return
        entry = await database_sync_to_async(watching.viewable_item)(self.user, item)
        self.beaten[item] = time.time()
        state = await database_sync_to_async(watching.join)(entry, self.user, self.beaten[item])
        self.watched[item], self.others[item] = entry, state["others"]
        await self.send_json({"event": "watching", "item": item, **state})

    async def on_unwatch(self, frame: dict[str, Any]) -> None:
        item = frame.get("item")
        if not isinstance(item, str) or item not in self.watched:
            raise FrameError("not_watching", "This connection does not watch that item.")
        entry = self.watched.pop(item)
        self.others.pop(item, None)
        if entry is not None:
            leaving = [(entry, self.beaten.pop(item))]
            await database_sync_to_async(watching.leave)(leaving, self.user)
        await self.send_json({"event": "unwatched", "item": item})

    async def keep_present(self) -> None:
        """The heartbeat of every watched item, as the page would send it over HTTP."""
        while True:
            await asyncio.sleep(heartbeat_seconds())
            entries = self.entries()
            if not entries:
                continue
            try:
                now = time.time()
                await database_sync_to_async(watching.beat)(entries, self.user, now)
                self.beaten.update((item, now) for item, entry in self.watched.items() if entry)
            except Exception:  # the cache away: the next beat tries again
                logger.exception("realtime: presence heartbeat failed")

    async def editors_events(self, message: dict) -> None:
        """Events from the group (realtime.publish.message_type), for watched items only."""
        for event in message["events"]:
            item = event.get("item")
            if item in self.watched:
                await self.deliver(item, event)

    async def deliver(self, item: str, event: dict[str, Any]) -> None:
        kind = event["event"]
        if kind == "presence":
            others = [p for p in event["present"] if p["id"] != self.user.pk]
            if others != self.others.get(item):  # not its own arrival, nor old news
                self.others[item] = others
                await self.send_json({"event": "presence", "item": item, "others": others})
        elif kind == "lock":
            # The banner reads differently for its holder: each connection reads it anew.
            entry = self.watched[item]
            state = await database_sync_to_async(watching.lock_state)(entry, self.user)
            await self.send_json({**self.public(event), **state})
        elif kind == "changed":
            actor = event.get("actor") or {}
            await self.send_json({**self.public(event), "by_you": actor.get("id") == self.user.pk})
        else:
            await self.send_json(self.public(event))

    @staticmethod
    def public(event: dict[str, Any]) -> dict[str, Any]:
        """The event without the log's bookkeeping (editors' events are not replayed)."""
        return {name: value for name, value in event.items() if name != "event_id"}
