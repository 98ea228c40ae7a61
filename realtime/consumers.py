"""Folio's WebSockets: what every channel shares (FramedConsumer), and
`/ws/v1/delivery/`, delivery events for frontends (docs/realtime.md). The editors'
channel is realtime.editors.

Client frames are JSON objects with an `action`, at most REALTIME_MAX_FRAME_BYTES; every
channel answers {"action": "ping"} with {"event": "pong"}. A frame Folio cannot take gets
{"event": "error", "code", "detail"}, and the connection stays. A connection that sends
nothing for REALTIME_IDLE_SECONDS is closed (4408).

The delivery channel's frames:
  {"action": "subscribe", "types": [...], "slugs": [...], "paths": [...], "tags": [...],
   "last_event_id": "..."}      -> {"event": "subscribed", "subscription": "s1", ...},
                                   then what was missed since last_event_id, if given
  {"action": "unsubscribe", "subscription": "s1"}  (no subscription: all of them)
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from core.metrics import WEBSOCKET_CONNECTIONS
from realtime import access
from realtime.access import Refused
from realtime.listening import Listening
from realtime.subscriptions import FrameError, Subscription

logger = logging.getLogger(__name__)
CLOSE_IDLE = 4408


class FramedConsumer(AsyncWebsocketConsumer):
    """A channel's connection: refused with a reason, frames parsed within the limits,
    actions dispatched, idle connections closed.

    Subclasses name their `actions` (each handled by `on_<action>(frame)`) and implement
    `open()` (authenticate and join; raise Refused to turn the connection away) and
    `shut()` (on disconnect, also after a refusal)."""

    actions: tuple[str, ...] = ()
    idle: asyncio.Task | None = None
    # The open-connections gauge's child this connection counts in (core.metrics).
    counted = None

    async def open(self) -> None:
        raise NotImplementedError

    async def shut(self) -> None:
        raise NotImplementedError

    async def connect(self) -> None:
        try:
            await self.open()
        except Refused as refused:
            # Accepted first, so the client gets the reason and a close code it can read.
            await self.accept()
            await self.send_json({"event": "error", "code": refused.code, "detail": refused.detail})
            await self.close(code=refused.close_code)
            return
        await self.accept()
        self.counted = WEBSOCKET_CONNECTIONS.labels(type(self).__name__)
        self.counted.inc()
        self.last_frame = asyncio.get_running_loop().time()
        self.idle = asyncio.create_task(self.close_when_idle())

    async def disconnect(self, code: int) -> None:
        if self.counted is not None:  # refused connections were never counted
            self.counted.dec()
            self.counted = None
        if self.idle is not None:
            self.idle.cancel()
        await self.shut()

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None):
        self.last_frame = asyncio.get_running_loop().time()
        try:
            await self.act(self.parse(text_data, bytes_data))
        except FrameError as error:
            await self.send_json(error.frame())
        except Exception:
            # A fault of Folio's (the database away...): said, logged, and the connection
            # stays for the next frame.
            logger.exception("realtime: a frame could not be handled")
            await self.send_json(
                {"event": "error", "code": "server_error", "detail": "Try again shortly."}
            )

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
        if action == "ping":
            await self.send_json({"event": "pong"})
        elif isinstance(action, str) and action in self.actions:
            await getattr(self, f"on_{action}")(frame)
        else:
            raise FrameError("unknown_action", f"`action` is {', '.join(self.actions)} or ping.")

    @staticmethod
    def ensure_room(held: int) -> None:
        """Refuse one more subscription (or watch) past REALTIME_MAX_SUBSCRIPTIONS."""
        if held >= settings.REALTIME_MAX_SUBSCRIPTIONS:
            raise FrameError(
                "too_many_subscriptions",
                f"A connection may hold {settings.REALTIME_MAX_SUBSCRIPTIONS} subscriptions.",
            )

    async def revoked(self, frame: dict[str, str]) -> None:
        """Its credential no longer holds (realtime.access): say why, and close."""
        await self.send_json(frame)
        await self.close(code=access.CLOSE_ENDED)

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


class DeliveryConsumer(Listening, FramedConsumer):
    actions = ("subscribe", "unsubscribe")

    async def open(self) -> None:
        await self.start_listening()
        self.numbered = 0

    async def shut(self) -> None:
        await self.stop_listening()

    async def on_subscribe(self, frame: dict[str, Any]) -> None:
        self.ensure_room(len(self.subscriptions))
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

    async def on_unsubscribe(self, frame: dict[str, Any]) -> None:
        name = frame.get("subscription")
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


class NoSuchChannel(AsyncWebsocketConsumer):
    """Any other path under /ws/: refused at the handshake (HTTP 403)."""

    async def connect(self) -> None:
        await self.close()
