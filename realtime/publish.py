"""Send the read model's events on, once their transaction has committed: into the event
log (which gives each its id and keeps the replay window), then, on a shared channel layer
(channels-redis), to every ASGI process at once. On the in-memory layer each ASGI process
reads the log instead (realtime.fanout): a group_send here would reach only this process.

A failure here is logged and never reaches the request, whose change has committed: the
event is lost for live listeners, and a client that reconnects is told replay_unavailable
if the log missed it.
"""

from __future__ import annotations

import logging

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.db import transaction

from realtime.log import Event, event_log

logger = logging.getLogger(__name__)
GROUP = "delivery"
MESSAGE = "delivery.events"  # handled by the consumers' delivery_events


def on_delivery_changed(sender, events: list[Event], **kwargs) -> None:
    """content.hooks.delivery_changed: inside the change's transaction, so only after it."""
    transaction.on_commit(lambda: publish(events))


def layer_is_shared() -> bool:
    return not isinstance(get_channel_layer(), InMemoryChannelLayer)


def publish(events: list[Event]) -> list[Event]:
    try:
        logged = event_log().append(events)
    except Exception:
        logger.exception("realtime: %s delivery events not logged", len(events))
        return []
    if layer_is_shared():
        try:
            async_to_sync(get_channel_layer().group_send)(
                GROUP, {"type": MESSAGE, "events": logged}
            )
        except Exception:
            logger.exception("realtime: %s delivery events not sent", len(logged))
    return logged
