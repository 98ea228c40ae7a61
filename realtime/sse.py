"""`/api/v1/delivery/events/`: the same delivery events as Server-Sent Events, for clients
that cannot speak WebSocket (docs/realtime.md). Served by the ASGI process: a stream held
open by a sync gunicorn worker would take that worker from the delivery API.

The subscription is in the query, comma-separated: `?types=article,event&tags=news`
(`slugs`, `paths` likewise). A reconnecting EventSource sends `Last-Event-ID` by itself;
`?last_event_id=` does the same for a first connection. Each event is one `message` whose
`id:` is its event id and whose data is the event's JSON, as over the WebSocket.

A plain ASGI application rather than a channels consumer: a consumer handles one message
at a time, and an open stream must go on hearing its channel while the response lasts.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from channels.layers import get_channel_layer

from core.exceptions import error_body
from realtime import access
from realtime.access import Refused, header, query
from realtime.listening import Listening
from realtime.log import DELIVERY
from realtime.publish import message_type
from realtime.subscriptions import FILTERS, FrameError, Subscription

KEEPALIVE_SECONDS = 15  # a comment line, so proxies do not close a quiet stream


class EventStream(Listening):
    """One open stream: the channels layer's channel it hears, and the response it writes."""

    def __init__(self, scope, send) -> None:
        self.scope, self.send = scope, send

    async def run(self, receive) -> None:
        params = query(self.scope)
        layer = get_channel_layer()
        self.channel_name = await layer.new_channel()
        try:
            subscription = Subscription.parse(
                {name: params[name].split(",") for name in FILTERS if params.get(name)}
            )
            self.origin = access.browser_origin(self.scope)
            await self.start_listening()
        except FrameError as error:
            await self.refuse(400, error.code, error.detail)
            return
        except Refused as refused:
            await self.refuse(refused.status, refused.code, refused.detail)
            return
        self.subscriptions["s1"] = subscription
        self.ended = asyncio.Event()
        tasks: list[asyncio.Task] = []
        try:
            await self.start(params)
            tasks += [
                asyncio.create_task(self.hear(layer)),
                asyncio.create_task(self.keep_alive()),
                asyncio.create_task(self.until_disconnect(receive)),
            ]
            await self.ended.wait()
        finally:
            for task in tasks:
                task.cancel()
            await self.stop_listening()

    async def until_disconnect(self, receive) -> None:
        while (await receive())["type"] != "http.disconnect":
            pass
        self.ended.set()

    async def revoked(self, frame: dict[str, str]) -> None:
        """End the response: EventSource reconnects, and is refused with a 401."""
        await self.deliver(frame)
        await self.send({"type": "http.response.body", "body": b""})
        self.ended.set()

    async def start(self, params: dict[str, str]) -> None:
        headers = [
            (b"Content-Type", b"text/event-stream; charset=utf-8"),
            (b"Cache-Control", b"no-cache"),
            (b"X-Accel-Buffering", b"no"),  # nginx: pass each event on at once
            (b"Vary", b"Origin"),
        ]
        if self.origin:  # a page on an allowed origin may read the stream (CORS)
            headers.append((b"Access-Control-Allow-Origin", self.origin.encode()))
        await self.send({"type": "http.response.start", "status": 200, "headers": headers})
        await self.write(b": connected\n\n")
        last = header(self.scope, b"last-event-id") or params.get("last_event_id")
        if last:
            missed = await self.missed(last)
            if missed is None:
                await self.deliver({"event": "replay_unavailable", "last_event_id": last})
            for event in missed or ():
                await self.deliver(event)

    async def hear(self, layer) -> None:
        while True:
            message = await layer.receive(self.channel_name)
            if message.get("type") == message_type(DELIVERY):
                await self.delivery_events(message)

    async def keep_alive(self) -> None:
        while True:
            await asyncio.sleep(KEEPALIVE_SECONDS)
            await self.write(b": keepalive\n\n")

    async def refuse(self, status: int, code: str, detail: str) -> None:
        body = json.dumps(error_body(code, detail)).encode()
        headers = [(b"Content-Type", b"application/json")]
        await self.send({"type": "http.response.start", "status": status, "headers": headers})
        await self.send({"type": "http.response.body", "body": body})

    async def deliver(self, event: dict[str, Any]) -> None:
        lines = f"id: {event['event_id']}\n" if "event_id" in event else ""
        data = json.dumps(event, separators=(",", ":"))
        await self.write(f"{lines}data: {data}\n\n".encode())

    async def write(self, chunk: bytes) -> None:
        await self.send({"type": "http.response.body", "body": chunk, "more_body": True})


async def delivery_event_stream(scope, receive, send) -> None:
    """The ASGI application (realtime.routing)."""
    await EventStream(scope, send).run(receive)
