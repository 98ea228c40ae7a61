"""Helpers for the editors' channel tests: staff users signed in to the admin (a session
cookie, as a browser sends it) or holding a JWT, and their WebSocket clients."""

from __future__ import annotations

import contextlib

from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client
from rest_framework_simplejwt.tokens import AccessToken

from config.asgi import application

EDITORS_URL = "/ws/admin/"


def admin_origin() -> tuple[bytes, bytes]:
    """The Origin of the admin's pages: FOLIO_BASE_URL's."""
    return (b"origin", settings.FOLIO_BASE_URL.encode())


@database_sync_to_async
def session_cookie(user) -> tuple[bytes, bytes]:
    """The admin's session cookie of `user`, signed in as through the login form."""
    client = Client()
    client.force_login(user)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    return (b"cookie", f"{settings.SESSION_COOKIE_NAME}={key}".encode())


def bearer(user) -> tuple[bytes, bytes]:
    return (b"authorization", f"Bearer {AccessToken.for_user(user)}".encode())


async def as_user(user) -> list[tuple[bytes, bytes]]:
    """The headers of the admin's page in `user`'s browser: its origin and session cookie."""
    return [admin_origin(), await session_cookie(user)]


@contextlib.asynccontextmanager
async def editor_socket(headers, path: str = EDITORS_URL, watch: tuple[str, ...] = ()):
    """A connected editors' client watching `watch` (each answered `watching`)."""
    client = WebsocketCommunicator(application, path, headers=list(headers))
    ok, _ = await client.connect(timeout=5)
    assert ok
    try:
        for item in watch:
            await client.send_json_to({"action": "watch", "item": item})
            answer = await client.receive_json_from(timeout=5)
            assert (answer["event"], answer["item"]) == ("watching", item), answer
        yield client
    finally:
        await client.disconnect()


async def refused(headers=(), path: str = EDITORS_URL) -> tuple[dict, int]:
    """Accepted so the reason can be read, then closed: the error frame and close code."""
    client = WebsocketCommunicator(application, path, headers=list(headers))
    ok, _ = await client.connect(timeout=5)
    assert ok
    frame = await client.receive_json_from(timeout=5)
    closed = await client.receive_output(timeout=5)
    assert closed["type"] == "websocket.close"
    return frame, closed["code"]


async def next_of(client, event: str, item: str | None = None) -> dict:
    """The next frame; it must be `event` (about `item`, when given)."""
    frame = await client.receive_json_from(timeout=5)
    assert frame["event"] == event, frame
    if item is not None:
        assert frame["item"] == item, frame
    return frame
