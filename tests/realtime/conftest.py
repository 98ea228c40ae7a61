"""Real-time tests: a WebSocket (or SSE) client against the ASGI application, and content
changed through the real services in committed transactions, as in production."""

from __future__ import annotations

import contextlib

import pytest
import pytest_asyncio
from channels.db import database_sync_to_async
from channels.layers import channel_layers
from channels.testing import WebsocketCommunicator
from django.db import connections

from config.asgi import application
from content import services
from tests.content.factories import ArticleFactory

URL = "/ws/v1/delivery/"


@pytest_asyncio.fixture(autouse=True)
async def _fresh_layer():
    """Each test's event loop gets its own channel layer (channels-redis binds to one), and
    channels-redis's connections are closed before the loop is: a consumer's receive still
    blocked on Redis would otherwise keep the loop's shutdown waiting for ever."""
    channel_layers.backends.clear()
    yield
    for layer in list(channel_layers.backends.values()):
        close_pools = getattr(layer, "close_pools", None)
        if close_pools is not None:
            await close_pools()
    channel_layers.backends.clear()


@pytest_asyncio.fixture(autouse=True)
async def _close_thread_connections():
    """The sync work of a test (and of the consumers) runs in one thread; its database
    connection is closed there, so PostgreSQL can drop the test database at the end."""
    yield
    await database_sync_to_async(connections.close_all)()


@pytest.fixture(autouse=True)
def _no_review_workflow(transactional_db):
    from governance.models import Workflow

    Workflow.objects.update(is_active=False)


@contextlib.asynccontextmanager
async def connected(path: str = URL, headers=None, subscribe: dict | None = None):
    """A connected WebSocket client, subscribed to `subscribe` when given."""
    client = WebsocketCommunicator(application, path, headers=headers or [])
    ok, _ = await client.connect(timeout=5)
    assert ok
    try:
        if subscribe is not None:
            await client.send_json_to({"action": "subscribe", **subscribe})
            assert (await client.receive_json_from(timeout=5))["event"] == "subscribed"
        yield client
    finally:
        await client.disconnect()


async def next_frame(client) -> dict:
    return await client.receive_json_from(timeout=5)


publish_article = database_sync_to_async(lambda **kw: ArticleFactory(published=True, **kw))
draft_article = database_sync_to_async(lambda **kw: ArticleFactory(**kw))


@database_sync_to_async
def unpublish(entry):
    services.entry_unpublish(entry=entry, actor=None)
