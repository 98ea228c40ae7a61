"""Bring the event log's new events to this ASGI process's listeners when the channel
layer is in-memory (the embedded default): one task per process and event loop reads the
log every REALTIME_POLL_SECONDS and sends what is new to the process's group. It runs
while anyone listens. On channels-redis the publisher sends to the group itself, and no
task runs."""

from __future__ import annotations

import asyncio
import logging

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings

from realtime.log import event_log
from realtime.publish import GROUP, MESSAGE, layer_is_shared

logger = logging.getLogger(__name__)
_listeners: dict[asyncio.AbstractEventLoop, set[str]] = {}
_tails: dict[asyncio.AbstractEventLoop, tuple[asyncio.Task, asyncio.Event]] = {}


async def listen(channel_name: str) -> None:
    """Join the group; on the in-memory layer, make sure the log is being read (from the
    newest event once this returns, so nothing committed later is missed)."""
    await get_channel_layer().group_add(GROUP, channel_name)
    if layer_is_shared():
        return
    loop = asyncio.get_running_loop()
    _listeners.setdefault(loop, set()).add(channel_name)
    tail = _tails.get(loop)
    if tail is None or tail[0].done():
        # Registered before any await: a crowd connecting at once starts one reader.
        ready = asyncio.Event()
        tail = _tails[loop] = (loop.create_task(_tail(loop, ready)), ready)
    for closed in [other for other in _tails if other.is_closed()]:
        _tails.pop(closed, None)
        _listeners.pop(closed, None)
    await tail[1].wait()


async def leave(channel_name: str) -> None:
    await get_channel_layer().group_discard(GROUP, channel_name)
    _listeners.get(asyncio.get_running_loop(), set()).discard(channel_name)


async def _tail(loop: asyncio.AbstractEventLoop, ready: asyncio.Event) -> None:
    layer = get_channel_layer()
    cursor: str | None = None
    started = failing = False
    first = True
    while _listeners.get(loop):
        if not first:
            await asyncio.sleep(settings.REALTIME_POLL_SECONDS)
        first = False
        try:
            if not started:  # from the newest event: older ones are for replay
                cursor = (await database_sync_to_async(event_log().bounds)())[1]
                started = True
                continue
            events = await database_sync_to_async(event_log().after)(cursor)
        except Exception:
            if not failing:  # once per outage
                logger.exception("realtime: the event log cannot be read")
            failing = True
            continue
        finally:
            ready.set()  # listeners wait for the start, not for an outage to end
        failing = False
        if events:
            cursor = events[-1]["event_id"]
            await layer.group_send(GROUP, {"type": MESSAGE, "events": events})
