"""What the real-time connections share: connecting (who, how many: realtime.access) and
joining their stream's group (realtime.fanout); and, for the delivery channel's WebSocket
and SSE stream alike, the subscriptions, replay, and which events reach the client."""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async

from realtime import access, fanout
from realtime.credentials import Credential
from realtime.log import DELIVERY, Event, event_log, order
from realtime.subscriptions import Subscription


class Joined:
    """Mixed into a channels consumer (which provides scope and channel_name) that has
    `revoked(frame)`: awaited once its credential no longer holds (realtime.access), to
    end the connection telling the client why with `frame`."""

    scope: dict
    channel_name: str
    stream: str
    credential: Credential | None = None
    connected = False

    def authenticate(self) -> Credential | None:
        """Run in a thread: the connection's credential; access.Refused if it may not."""
        raise NotImplementedError

    async def join(self) -> None:
        """Authenticate and join; access.Refused if the connection may not be made."""
        self.credential = await database_sync_to_async(self.authenticate)()
        access.hold(self.credential, self)
        self.connected = True
        await fanout.listen(self.stream, self.channel_name)

    async def leave(self) -> None:
        if self.connected:
            self.connected = False
            access.release(self.credential, self)
            await fanout.leave(self.stream, self.channel_name)


class Listening(Joined):
    """The delivery channel: subscriptions and replay."""

    stream = DELIVERY

    def authenticate(self) -> Credential | None:
        return access.authenticate(self.scope)

    async def start_listening(self) -> None:
        self.subscriptions: dict[str, Subscription] = {}
        self.replayed_up_to: tuple[int, ...] | None = None
        await self.join()

    async def stop_listening(self) -> None:
        await self.leave()

    async def missed(self, last_event_id: Any) -> list[Event] | None:
        """The events after `last_event_id` that the subscriptions want, or None when the
        replay window cannot say. Live events up to the last one replayed are then skipped."""
        events = await database_sync_to_async(event_log(DELIVERY).since)(last_event_id)
        if events is None:
            return None
        if events:
            self.replayed_up_to = order(events[-1]["event_id"])
        return [e for e in events if self.wants(e)]

    def wants(self, event: Event) -> bool:
        return any(s.matches(event) for s in self.subscriptions.values())

    async def delivery_events(self, message: dict) -> None:
        """Events from the group (realtime.publish.message_type)."""
        for event in message["events"]:
            already = self.replayed_up_to and order(event["event_id"]) <= self.replayed_up_to
            if not already and self.wants(event):
                await self.deliver(event)

    async def deliver(self, event: Event) -> None:
        raise NotImplementedError
