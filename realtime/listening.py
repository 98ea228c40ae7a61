"""What the WebSocket and SSE consumers share: connecting (who, how many), the group
(realtime.fanout), the subscriptions, replay, and which events reach the client."""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async

from realtime import access, fanout
from realtime.log import Event, event_log, order
from realtime.subscriptions import Subscription


class Listening:
    """Mixed into a channels consumer (which provides scope and channel_name)."""

    scope: dict
    channel_name: str
    key = None
    connected = False

    async def start_listening(self) -> None:
        """Authenticate and join; access.Refused if the connection may not be made."""
        self.subscriptions: dict[str, Subscription] = {}
        self.replayed_up_to: tuple[int, ...] | None = None
        self.key = await database_sync_to_async(access.authenticate)(self.scope)
        access.hold(self.key, self)
        self.connected = True
        await fanout.listen(self.channel_name)

    async def stop_listening(self) -> None:
        if self.connected:
            self.connected = False
            access.release(self.key, self)
            await fanout.leave(self.channel_name)

    async def missed(self, last_event_id: Any) -> list[Event] | None:
        """The events after `last_event_id` that the subscriptions want, or None when the
        replay window cannot say. Live events up to the last one replayed are then skipped."""
        events = await database_sync_to_async(event_log().since)(last_event_id)
        if events is None:
            return None
        if events:
            self.replayed_up_to = order(events[-1]["event_id"])
        return [e for e in events if self.wants(e)]

    def wants(self, event: Event) -> bool:
        return any(s.matches(event) for s in self.subscriptions.values())

    async def delivery_events(self, message: dict) -> None:
        """Events from the group (realtime.publish.MESSAGE)."""
        for event in message["events"]:
            already = self.replayed_up_to and order(event["event_id"]) <= self.replayed_up_to
            if not already and self.wants(event):
                await self.deliver(event)

    async def deliver(self, event: Event) -> None:
        raise NotImplementedError

    async def revoked(self) -> None:
        """The key was revoked (or expired, or its user deactivated): end the connection."""
        raise NotImplementedError
