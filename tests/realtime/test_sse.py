"""The same events as Server-Sent Events at /api/v1/delivery/events/, with Last-Event-ID."""

from __future__ import annotations

import contextlib
import json

import pytest
from asgiref.testing import ApplicationCommunicator
from channels.db import database_sync_to_async

from accounts import services as accounts
from config.asgi import application
from tests.accounts.factories import ApiKeyFactory, UserFactory
from tests.content.factories import PageFactory
from tests.realtime.conftest import publish_article
from tests.realtime.editors import bearer

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]
PATH = "/api/v1/delivery/events/"


class Stream:
    def __init__(self, query: str = "", headers=()) -> None:
        scope = {
            "type": "http",
            "http_version": "1.1",
            "method": "GET",
            "path": PATH,
            "raw_path": PATH.encode(),
            "query_string": query.encode(),
            "headers": [(b"host", b"testserver"), *headers],
            "client": ("127.0.0.1", 50000),
            "server": ("testserver", 80),
        }
        self.app = ApplicationCommunicator(application, scope)
        self.buffer = b""

    async def open(self) -> dict:
        await self.app.send_input({"type": "http.request", "body": b"", "more_body": False})
        return await self.app.receive_output(timeout=5)

    async def body(self) -> bytes:
        return (await self.app.receive_output(timeout=5))["body"]

    async def event(self) -> tuple[str | None, dict]:
        """The next `data:` message (comments skipped): its id and its JSON."""
        while True:
            while b"\n\n" not in self.buffer:
                self.buffer += await self.body()
            block, self.buffer = self.buffer.split(b"\n\n", 1)
            lines = dict(
                line.split(": ", 1) for line in block.decode().splitlines() if ": " in line
            )
            if "data" in lines:
                return lines.get("id"), json.loads(lines["data"])

    async def close(self) -> None:
        await self.app.send_input({"type": "http.disconnect"})
        with contextlib.suppress(Exception):
            await self.app.wait(timeout=5)


@contextlib.asynccontextmanager
async def stream(query: str = "", headers=()):
    opened = Stream(query, headers)
    start = await opened.open()
    assert start["status"] == 200
    opened.headers = dict(start["headers"])
    assert opened.headers[b"Content-Type"].startswith(b"text/event-stream")
    assert await opened.body() == b": connected\n\n"
    try:
        yield opened
    finally:
        await opened.close()


async def test_events_arrive_filtered_with_their_ids():
    async with stream("types=article") as events:
        await database_sync_to_async(PageFactory)(title="Not this", published=True)
        article = await publish_article(title="Streamed")
        event_id, event = await events.event()
    assert (event["event"], event["id"], event["slug"]) == ("published", article.pk, "streamed")
    assert event_id == event["event_id"]


async def test_last_event_id_replays_what_was_missed():
    async with stream() as events:
        await publish_article(title="Seen")
        seen, _ = await events.event()
    await publish_article(title="Missed")
    async with stream(headers=[(b"last-event-id", seen.encode())]) as events:
        _, missed = await events.event()
        assert missed["slug"] == "missed"
    async with stream(headers=[(b"last-event-id", b"nonsense")]) as events:
        assert (await events.event())[1]["event"] == "replay_unavailable"


async def test_refusals_are_json_errors(settings):
    settings.DELIVERY_REQUIRE_KEY = True
    anonymous = Stream()
    start = await anonymous.open()
    assert start["status"] == 401
    assert json.loads(await anonymous.body())["error"]["code"] == "not_authenticated"
    key = await database_sync_to_async(ApiKeyFactory)(scopes=["content:read"])
    wrong = Stream(headers=[(b"authorization", f"Api-Key {key.raw_key}".encode())])
    assert (await wrong.open())["status"] == 403
    good = await database_sync_to_async(ApiKeyFactory)(scopes=["delivery:read"])
    async with stream(f"api_key={good.raw_key}&types=article") as events:
        article = await publish_article(title="Keyed")
        assert (await events.event())[1]["id"] == article.pk


async def test_a_bad_subscription_is_a_400():
    bad = Stream("types=" + "x" * 2000)
    start = await bad.open()
    assert start["status"] == 400
    assert json.loads(await bad.body())["error"]["code"] == "invalid_subscription"


async def test_other_paths_still_reach_django():
    other = Stream()
    other.app = ApplicationCommunicator(
        application, {**other.app.scope, "path": "/health/live/", "raw_path": b"/health/live/"}
    )
    assert (await other.open())["status"] == 200


async def test_a_revoked_keys_stream_ends(settings):
    settings.REALTIME_KEY_CHECK_SECONDS = 0.1
    key = await database_sync_to_async(ApiKeyFactory)(scopes=["delivery:read"])
    async with stream(f"api_key={key.raw_key}") as events:
        await database_sync_to_async(accounts.api_key_revoke)(actor=key.user, api_key=key)
        assert (await events.event())[1]["code"] == "key_revoked"
        last = await events.app.receive_output(timeout=5)
        assert (last["body"], last.get("more_body", False)) == (b"", False)


async def test_a_page_on_an_allowed_origin_may_read_the_stream_and_others_may_not(settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://www.example.com"]
    async with stream(headers=[(b"origin", b"https://www.example.com")]) as events:
        assert events.headers[b"Access-Control-Allow-Origin"] == b"https://www.example.com"
    elsewhere = Stream(headers=[(b"origin", b"https://evil.test")])
    start = await elsewhere.open()
    assert start["status"] == 403
    assert json.loads(await elsewhere.body())["error"]["code"] == "origin_not_allowed"


async def test_a_jwt_of_an_active_user_opens_the_stream_and_a_bad_one_is_a_401(settings):
    settings.DELIVERY_REQUIRE_KEY = True
    user = await database_sync_to_async(UserFactory)(full_name="A Frontend Developer")
    headers = [bearer(user)]
    async with stream("types=article", headers=headers) as events:
        article = await publish_article(title="For tokens")
        assert (await events.event())[1]["id"] == article.pk
    bad = Stream(headers=[(b"authorization", b"Bearer not.a.token")])
    start = await bad.open()
    assert start["status"] == 401
    assert json.loads(await bad.body())["error"]["code"] == "token_not_valid"
