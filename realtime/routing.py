"""The ASGI process's routes (config/asgi.py): the WebSocket channel, and the SSE stream."""

from __future__ import annotations

from django.urls import path, re_path

from realtime.consumers import DeliveryConsumer, NoSuchChannel
from realtime.sse import delivery_event_stream

websocket_urlpatterns = [
    path("ws/v1/delivery/", DeliveryConsumer.as_asgi()),
    re_path(r"", NoSuchChannel.as_asgi()),
]
http_urlpatterns = [path("api/v1/delivery/events/", delivery_event_stream)]
