"""`/ws/v1/delivery/`: delivery events for frontends over a WebSocket (docs/realtime.md).

Client frames (JSON objects, at most REALTIME_MAX_FRAME_BYTES):
  {"action": "subscribe", "types": [...], "slugs": [...], "paths": [...], "tags": [...],
   "last_event_id": "..."}      -> {"event": "subscribed", "subscription": "s1", ...},
                                   then what was missed since last_event_id, if given
  {"action": "unsubscribe", "subscription": "s1"}  (no subscription: all of them)
  {"action": "ping"}            -> {"event": "pong"}
A frame Folio cannot take gets {"event": "error", "code", "detail"}; the connection stays.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from realtime import access
from realtime.access import Refused
from realtime.listening import Listening
from realtime.subscriptions import FrameError, Subscription

CLOSE_IDLE = 4408


class DeliveryConsumer(Listening, AsyncWebsocketConsumer):
    async def connect(self) -> None:
        try:
            await self.start_listening()
        except Refused as refused:
            # Accepted first, so the client gets the reason and a close code it can read.
            await self.accept()
            await self.send_json({"event": "error", "code": refused.code, "detail": refused.detail})
            await self.close(code=refused.close_code)
            return
        await self.accept()
        self.numbered = 0
        self.last_frame = asyncio.get_running_loop().time()
        self.idle = asyncio.create_task(self.close_when_idle())

    async def disconnect(self, code: int) -> None:
        if self.connected:
            self.idle.cancel()
        await self.stop_listening()

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None):
        self.last_frame = asyncio.get_running_loop().time()
        try:
            await self.act(self.parse(text_data, bytes_data))
        except FrameError as error:
            await self.send_json(error.frame())

    def parse(self, text_data: str | None, bytes_data: bytes | None) -> dict[str, Any]:
        raw = text_data.encode() if text_data is not None else bytes_data or b""
        if len(raw) > settings.REALTIME_MAX_FRAME_BYTES:
            raise FrameError(
                "frame_too_large",
                f"A frame may have at most {settings.REALTIME_MAX_FRAME_BYTES} bytes.",
            )
        try:
            frame = json.loads(raw)
        except ValueError:
            frame = None
        if not isinstance(frame, dict):
            raise FrameError("malformed_frame", "Send a JSON object with an `action`.")
        return frame

    async def act(self, frame: dict[str, Any]) -> None:
        action = frame.get("action")
        if action == "subscribe":
            await self.subscribe(frame)
        elif action == "unsubscribe":
            await self.unsubscribe(frame.get("subscription"))
        elif action == "ping":
            await self.send_json({"event": "pong"})
        else:
            raise FrameError("unknown_action", "`action` is subscribe, unsubscribe or ping.")

    async def subscribe(self, frame: dict[str, Any]) -> None:
        if len(self.subscriptions) >= settings.REALTIME_MAX_SUBSCRIPTIONS:
            raise FrameError(
                "too_many_subscriptions",
                f"A connection may hold {settings.REALTIME_MAX_SUBSCRIPTIONS} subscriptions.",
            )
        subscription = Subscription.parse(frame)
        self.numbered += 1
        name = f"s{self.numbered}"
        self.subscriptions[name] = subscription
        await self.send_json(
            {"event": "subscribed", "subscription": name, **subscription.as_frame()}
        )
        if frame.get("last_event_id") is not None:
            missed = await self.missed(frame["last_event_id"])
            if missed is None:
                await self.send_json(
                    {"event": "replay_unavailable", "last_event_id": frame["last_event_id"]}
                )
            for event in missed or ():
                await self.deliver(event)

    async def unsubscribe(self, name: Any) -> None:
        if name is None:
            names = list(self.subscriptions)
        elif name in self.subscriptions:
            names = [name]
        else:
            raise FrameError("unknown_subscription", "No such subscription on this connection.")
        for each in names:
            del self.subscriptions[each]
            await self.send_json({"event": "unsubscribed", "subscription": each})

    async def deliver(self, event: dict[str, Any]) -> None:
        await self.send_json(event)

    async def revoked(self) -> None:
        await self.send_json(access.REVOKED)
        await self.close(code=access.CLOSE_REVOKED)

    async def send_json(self, content: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(content, separators=(",", ":")))

    async def close_when_idle(self) -> None:
        """Close a connection that sent nothing (not even a ping) for REALTIME_IDLE_SECONDS."""
        loop = asyncio.get_running_loop()
        while (left := self.last_frame + settings.REALTIME_IDLE_SECONDS - loop.time()) > 0:
            await asyncio.sleep(left)
        await self.send_json(
            {"event": "error", "code": "idle_timeout", "detail": "Nothing heard; send pings."}
        )
        await self.close(code=CLOSE_IDLE)


class NoSuchChannel(AsyncWebsocketConsumer):
    """Any other path under /ws/: refused at the handshake (HTTP 403)."""

    async def connect(self) -> None:
        await self.close()
