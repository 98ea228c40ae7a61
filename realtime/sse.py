"""`/api/v1/delivery/events/`: the same delivery events as Server-Sent Events, for clients
that cannot speak WebSocket (docs/realtime.md). Served by the ASGI process: a stream held
open by a sync gunicorn worker would take that worker from the delivery API.

The subscription is in the query, comma-separated: `?types=article,event&tags=news`
(`slugs`, `paths` likewise). A reconnecting EventSource sends `Last-Event-ID` by itself;
`?last_event_id=` does the same for a first connection. Each event is one `message` whose
`id:` is its event id and whose data is the event's JSON, as over the WebSocket.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from channels.generic.http import AsyncHttpConsumer

from core.exceptions import error_body
from realtime.access import Refused, header, query
from realtime.listening import Listening
from realtime.subscriptions import FILTERS, FrameError, Subscription

KEEPALIVE_SECONDS = 15  # a comment line, so proxies do not close a quiet stream


class DeliveryEventStream(Listening, AsyncHttpConsumer):
    async def handle(self, body: bytes) -> None:
        params = query(self.scope)
        try:
            subscription = Subscription.parse(
                {name: params[name].split(",") for name in FILTERS if params.get(name)}
            )
            await self.start_listening()
        except FrameError as error:
            await self.refuse(400, error.code, error.detail)
            return
        except Refused as refused:
            await self.refuse(refused.status, refused.code, refused.detail)
            return
        self.subscriptions["s1"] = subscription
        await self.send_headers(
            headers=[
                (b"Content-Type", b"text/event-stream; charset=utf-8"),
                (b"Cache-Control", b"no-cache"),
                (b"X-Accel-Buffering", b"no"),  # nginx: pass each event on at once
            ]
        )
        await self.send_body(b": connected\n\n", more_body=True)
        last = header(self.scope, b"last-event-id") or params.get("last_event_id")
        if last:
            missed = await self.missed(last)
            if missed is None:
                await self.deliver({"event": "replay_unavailable", "last_event_id": last})
            for event in missed or ():
                await self.deliver(event)
        self.keepalive = asyncio.create_task(self.keep_alive())

    async def refuse(self, status: int, code: str, detail: str) -> None:
        body = json.dumps(error_body(code, detail)).encode()
        await self.send_response(status, body, headers=[(b"Content-Type", b"application/json")])

    async def deliver(self, event: dict[str, Any]) -> None:
        lines = f"id: {event['event_id']}\n" if "event_id" in event else ""
        data = json.dumps(event, separators=(",", ":"))
        await self.send_body(f"{lines}data: {data}\n\n".encode(), more_body=True)

    async def keep_alive(self) -> None:
        while True:
            await asyncio.sleep(KEEPALIVE_SECONDS)
            await self.send_body(b": keepalive\n\n", more_body=True)

    async def disconnect(self) -> None:
        if getattr(self, "keepalive", None):
            self.keepalive.cancel()
        await self.stop_listening()
