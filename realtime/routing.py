"""The ASGI process's routes (config/asgi.py): the WebSocket channel, and the SSE stream."""

from __future__ import annotations

from channels.security.websocket import OriginValidator
from django.conf import settings
from django.urls import path, re_path

from realtime.consumers import DeliveryConsumer, NoSuchChannel
from realtime.sse import delivery_event_stream

websocket_urlpatterns = [
    path("ws/v1/delivery/", DeliveryConsumer.as_asgi()),
    re_path(r"", NoSuchChannel.as_asgi()),
]
http_urlpatterns = [path("api/v1/delivery/events/", delivery_event_stream)]


class BrowserOriginValidator(OriginValidator):
    """A browser's Origin must be allowed (REALTIME_ALLOWED_ORIGINS, else the CORS origins
    and the site's hosts), so another site's page cannot use a visitor's connection. A
    client that sends no Origin is not a browser, and has no ambient credentials to abuse."""

    def __init__(self, application) -> None:
        super().__init__(application, [])

    def valid_origin(self, parsed_origin) -> bool:
        self.allowed_origins = settings.REALTIME_ALLOWED_ORIGINS or [
            *settings.CORS_ALLOWED_ORIGINS,
            *settings.ALLOWED_HOSTS,
        ]
        return parsed_origin is None or super().valid_origin(parsed_origin)
