"""Bring a stream's new events (realtime.log) to this ASGI process's listeners when the
channel layer is in-memory (the embedded default): one task per process, event loop and
stream reads the log every REALTIME_POLL_SECONDS and sends what is new to the process's
group of that stream. It runs while anyone listens to the stream. On channels-redis the
publisher sends to the group itself, and no task runs."""

from __future__ import annotations

import asyncio
import logging

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings

from realtime.log import event_log
from realtime.publish import layer_is_shared, message_type

logger = logging.getLogger(__name__)
Tail = tuple[asyncio.AbstractEventLoop, str]  # an event loop and a stream
_listeners: dict[Tail, set[str]] = {}
_tails: dict[Tail, tuple[asyncio.Task, asyncio.Event]] = {}


async def listen(stream: str, channel_name: str) -> None:
    """Join the stream's group; on the in-memory layer, make sure the log is being read
    (from the newest event once this returns, so nothing committed later is missed)."""
    await get_channel_layer().group_add(stream, channel_name)
    if layer_is_shared():
        return
    loop = asyncio.get_running_loop()
    _listeners.setdefault((loop, stream), set()).add(channel_name)
    tail = _tails.get((loop, stream))
    if tail is None or tail[0].done():
        # Registered before any await: a crowd connecting at once starts one reader.
        ready = asyncio.Event()
        task = loop.create_task(_tail(loop, stream, ready))
        tail = _tails[(loop, stream)] = (task, ready)
    for closed in [key for key in _tails if key[0].is_closed()]:
        _tails.pop(closed, None)
        _listeners.pop(closed, None)
    await tail[1].wait()


async def leave(stream: str, channel_name: str) -> None:
    await get_channel_layer().group_discard(stream, channel_name)
    _listeners.get((asyncio.get_running_loop(), stream), set()).discard(channel_name)


async def _tail(loop: asyncio.AbstractEventLoop, stream: str, ready: asyncio.Event) -> None:
    layer = get_channel_layer()
    log = event_log(stream)
    cursor: str | None = None
    started = failing = False
    first = True
    while _listeners.get((loop, stream)):
        if not first:
            await asyncio.sleep(settings.REALTIME_POLL_SECONDS)
        first = False
        try:
            if not started:  # from the newest event: older ones are for replay
                cursor = (await database_sync_to_async(log.bounds)())[1]
                started = True
                continue
            events = await database_sync_to_async(log.after)(cursor)
        except Exception:
            if not failing:  # once per outage
                logger.exception("realtime: the %s event log cannot be read", stream)
            failing = True
            continue
        finally:
            ready.set()  # listeners wait for the start, not for an outage to end
        failing = False
        if events:
            cursor = events[-1]["event_id"]
            await layer.group_send(stream, {"type": message_type(stream), "events": events})
