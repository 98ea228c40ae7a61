"""Where an admin page's browser reaches the real-time (ASGI) process: the editors'
WebSocket's address (REALTIME_PUBLIC_URL, else the page's own host, on
REALTIME_PUBLIC_PORT when set), for the page's script and its Content-Security-Policy."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest

EDITORS_PATH = "/ws/admin/"


def realtime_origin(request: HttpRequest) -> str:
    """ws(s)://host[:port] of the ASGI process as this request's page sees it."""
    if settings.REALTIME_PUBLIC_URL:
        return settings.REALTIME_PUBLIC_URL
    scheme = "wss" if request.is_secure() else "ws"
    host = request.get_host()
    if settings.REALTIME_PUBLIC_PORT:
        hostname = urlsplit(f"//{host}").hostname or host
        hostname = f"[{hostname}]" if ":" in hostname else hostname  # IPv6
        host = f"{hostname}:{settings.REALTIME_PUBLIC_PORT}"
    return f"{scheme}://{host}"


def editors_socket_url(request: HttpRequest) -> str:
    return realtime_origin(request) + EDITORS_PATH


def ping_seconds() -> float:
    """How often the page pings, well within REALTIME_IDLE_SECONDS."""
    return max(1.0, min(30.0, settings.REALTIME_IDLE_SECONDS / 3))
