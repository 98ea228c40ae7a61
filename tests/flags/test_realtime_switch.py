"""Real time switched off: the WebSocket and the event stream refuse new connections with a
close code and a status a client can read (4503, 503 switched_off), connections already
open stay, and both connect again once it is back on."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from waffle.models import Switch

from config.asgi import application
from flags import services
from flags.capabilities import REALTIME
from tests.realtime.conftest import URL, connected, next_frame, publish_article
from tests.realtime.test_sse import Stream, stream

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


@database_sync_to_async
def realtime(active: bool) -> None:
    """Turn the switch on or off through the service (committed: waffle's cache empties)."""
    switch = Switch.objects.filter(name=REALTIME.switch).first()
    if switch is None:  # a transactional test's flush removed what the migration made
        data = {"name": REALTIME.switch, "active": active}
        services.toggle_create(actor=None, model=Switch, data=data)
    else:
        services.toggle_update(actor=None, toggle=switch, data={"active": active})


async def test_the_websocket_refuses_new_connections_while_off():
    async with connected(subscribe={"types": ["article"]}) as already_open:
        await realtime(False)
        client = WebsocketCommunicator(application, URL)
        ok, _ = await client.connect(timeout=5)
        assert ok  # accepted, so the reason can be read, then closed
        frame = await client.receive_json_from(timeout=5)
        assert (frame["event"], frame["code"]) == ("error", "switched_off")
        assert frame["detail"] == REALTIME.off
        closed = await client.receive_output(timeout=5)
        assert (closed["type"], closed["code"]) == ("websocket.close", 4503)

        # The connection opened before goes on hearing events.
        article = await publish_article(title="Still heard")
        assert (await next_frame(already_open))["id"] == article.pk

    await realtime(True)
    async with connected() as client:
        await client.send_json_to({"action": "ping"})
        assert (await next_frame(client))["event"] == "pong"


async def test_the_event_stream_answers_503_while_off():
    await realtime(False)
    refused = Stream("types=article")
    start = await refused.open()
    assert start["status"] == 503
    body = await refused.body()
    assert b'"code": "switched_off"' in body

    await realtime(True)
    async with stream("types=article") as events:
        article = await publish_article(title="Streamed again")
        _, event = await events.event()
        assert event["id"] == article.pk
