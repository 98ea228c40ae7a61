"""The ASGI process's routes (config/asgi.py): the WebSocket channels, each checking the
browser's Origin against its own list (realtime.access), and the SSE stream."""

from __future__ import annotations

from channels.auth import AuthMiddlewareStack
from django.urls import path, re_path

from realtime.access import AdminOriginValidator, BrowserOriginValidator
from realtime.consumers import DeliveryConsumer, NoSuchChannel
from realtime.editors import EditorsConsumer
from realtime.sse import delivery_event_stream

websocket_urlpatterns = [
    path("ws/v1/delivery/", BrowserOriginValidator(DeliveryConsumer.as_asgi())),
    # The admin's session cookie (channels' cookie, session and auth middleware) or a JWT.
    path("ws/admin/", AdminOriginValidator(AuthMiddlewareStack(EditorsConsumer.as_asgi()))),
    re_path(r"", NoSuchChannel.as_asgi()),
]
http_urlpatterns = [path("api/v1/delivery/events/", delivery_event_stream)]
