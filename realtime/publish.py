"""Send events on, once their transaction has committed: into their stream's event log
(which gives each its id and keeps the window), then, on a shared channel layer
(channels-redis), to every ASGI process at once through the stream's group. On the
in-memory layer each ASGI process reads the log instead (realtime.fanout): a group_send
here would reach only this process.

A failure here is logged and never reaches the request, whose change has committed: the
events are lost for live listeners, and a delivery client that reconnects is told
replay_unavailable if the log missed them.
"""

from __future__ import annotations

import logging

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.db import transaction

from realtime.log import DELIVERY, Event, event_log

logger = logging.getLogger(__name__)


def message_type(stream: str) -> str:
    """The group message of a stream's events: "delivery.events" is handled by the
    consumers' `delivery_events`, "editors.events" by `editors_events`."""
    return f"{stream}.events"


def on_delivery_changed(sender, events: list[Event], **kwargs) -> None:
    """content.hooks.delivery_changed: inside the change's transaction, so only after it."""
    publish_on_commit(DELIVERY, events)


def publish_on_commit(stream: str, events: list[Event]) -> None:
    """Publish once the current transaction commits (at once outside one); nothing if it
    rolls back."""
    transaction.on_commit(lambda: publish(events, stream=stream))


def layer_is_shared() -> bool:
    return not isinstance(get_channel_layer(), InMemoryChannelLayer)


def publish(events: list[Event], *, stream: str = DELIVERY) -> list[Event]:
    try:
        logged = event_log(stream).append(events)
    except Exception:
        logger.exception("realtime: %s %s events not logged", len(events), stream)
        return []
    if layer_is_shared():
        try:
            async_to_sync(get_channel_layer().group_send)(
                stream, {"type": message_type(stream), "events": logged}
            )
        except Exception:
            logger.exception("realtime: %s %s events not sent", len(logged), stream)
    return logged
