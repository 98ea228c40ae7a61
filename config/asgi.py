"""ASGI entry point (production settings unless told otherwise): the real-time process.

It serves WebSockets under /ws/ and the delivery events' SSE stream (realtime.routing); any
other HTTP request goes to the Django app as under WSGI. Production keeps gunicorn (WSGI)
for HTTP, for the delivery API's speed, and routes /ws/ and /api/v1/delivery/events/ to
this process (docs/operations.md).
"""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

from core.tracing import setup_tracing

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

setup_tracing("asgi")  # before the app loads its middleware (core.tracing)
django_application = get_asgi_application()  # sets Django up before the routes import models

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import re_path  # noqa: E402

from realtime.routing import http_urlpatterns, websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": URLRouter([*http_urlpatterns, re_path(r"", django_application)]),
        # Each channel checks the browser's Origin against its own list (realtime.routing).
        "websocket": URLRouter(websocket_urlpatterns),
    }
)
