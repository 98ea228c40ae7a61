"""Who may connect to /ws/admin/ (staff, by the admin's session or a JWT, from the
admin's own origin), the limits one connection lives within, and a connection closed
once its user or session is gone."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.sessions.models import Session

from config.asgi import application
from tests.accounts.factories import UserFactory
from tests.content.factories import ArticleFactory
from tests.realtime.editors import (
    EDITORS_URL,
    admin_origin,
    as_user,
    bearer,
    editor_socket,
    next_of,
    refused,
    session_cookie,
)

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

make_user = database_sync_to_async(UserFactory)


@pytest.fixture
def editor():
    return UserFactory(role="Editor", full_name="Ana Editor")


@pytest.fixture
def article():
    return ArticleFactory(title="Harbour festival")


async def test_the_admins_session_connects_and_watches(editor, article):
    async with editor_socket(await as_user(editor)) as client:
        await client.send_json_to({"action": "watch", "item": f"article:{article.pk}"})
        watching = await next_of(client, "watching", f"article:{article.pk}")
    assert watching["others"] == []
    assert watching["lock"] is None
    assert watching["version"] == article.version


@pytest.mark.parametrize("how", ["header", "query"])
async def test_a_jwt_connects(editor, how):
    header = bearer(editor)
    if how == "header":
        context = editor_socket([header])
    else:
        token = header[1].decode().removeprefix("Bearer ")
        context = editor_socket([], path=f"{EDITORS_URL}?access_token={token}")
    async with context as client:
        await client.send_json_to({"action": "watch", "item": "review_queue"})
        assert (await next_of(client, "watching"))["item"] == "review_queue"


async def test_nobody_is_refused_with_4401():
    frame, code = await refused([admin_origin()])
    assert (frame["event"], frame["code"], code) == ("error", "not_authenticated", 4401)


async def test_a_bad_jwt_or_one_of_an_inactive_user_is_refused_with_4401():
    frame, code = await refused([(b"authorization", b"Bearer not.a.token")])
    assert (frame["code"], code) == ("token_not_valid", 4401)
    frame, code = await refused(path=f"{EDITORS_URL}?access_token=garbage")
    assert (frame["code"], code) == ("token_not_valid", 4401)
    gone = await make_user(role="Editor", is_active=False)
    frame, code = await refused([bearer(gone)])
    assert (frame["code"], code) == ("token_not_valid", 4401)


async def test_a_token_issued_before_a_password_change_is_refused(editor):
    header = bearer(editor)

    @database_sync_to_async
    def change_password():
        editor.set_password("a-new-password-1")
        editor.save()

    await change_password()
    frame, code = await refused([header])
    assert (frame["code"], code) == ("token_not_valid", 4401)


async def test_users_who_are_not_staff_are_refused_with_4403():
    outsider = await make_user(full_name="Not Staff")  # active, no role: not staff
    frame, code = await refused([bearer(outsider)])
    assert (frame["code"], code) == ("permission_denied", 4403)
    frame, code = await refused([admin_origin(), await session_cookie(outsider)])
    assert (frame["code"], code) == ("permission_denied", 4403)


async def test_only_the_admins_origins_may_connect(editor, settings):
    # A frontend allowed on the delivery channel may not use an editor's admin session.
    settings.CORS_ALLOWED_ORIGINS = ["https://www.example.com"]
    cookie = await session_cookie(editor)
    for origin in (b"https://evil.test", b"https://www.example.com"):
        client = WebsocketCommunicator(
            application, EDITORS_URL, headers=[(b"origin", origin), cookie]
        )
        assert not (await client.connect(timeout=5))[0]  # HTTP 403 at the handshake
    delivery = WebsocketCommunicator(
        application, "/ws/v1/delivery/", headers=[(b"origin", b"https://www.example.com")]
    )
    assert (await delivery.connect(timeout=5))[0]
    await delivery.disconnect()
    # Make run's admin on FOLIO_BASE_URL reaches the ASGI process on its own port.
    async with editor_socket([admin_origin(), cookie]):
        pass


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("not json", "malformed_frame"),
        ("[1, 2]", "malformed_frame"),
        ('{"action": "subscribe"}', "unknown_action"),
        ('{"action": "watch"}', "invalid_item"),
        ('{"action": "watch", "item": 42}', "invalid_item"),
        ('{"action": "watch", "item": "article"}', "invalid_item"),
        ('{"action": "watch", "item": "nothing:1"}', "item_not_found"),
        ('{"action": "watch", "item": "article:999999"}', "item_not_found"),
        ('{"action": "watch", "item": "article:abc"}', "item_not_found"),
        ('{"action": "unwatch", "item": "article:1"}', "not_watching"),
        ('{"action": "ping", "pad": "' + "x" * 5000 + '"}', "frame_too_large"),
    ],
)
async def test_a_bad_frame_gets_an_error_frame_and_the_connection_stays(editor, frame, code):
    async with editor_socket(await as_user(editor)) as client:
        await client.send_to(text_data=frame)
        error = await next_of(client, "error")
        assert (error["code"], bool(error["detail"])) == (code, True)
        await client.send_to(bytes_data=b"\xff\xfe\x00")
        assert (await next_of(client, "error"))["code"] == "malformed_frame"
        await client.send_json_to({"action": "ping"})
        assert await client.receive_json_from(timeout=5) == {"event": "pong"}


async def test_watches_per_connection_are_limited(editor, settings):
    settings.REALTIME_MAX_SUBSCRIPTIONS = 2
    articles = [await database_sync_to_async(ArticleFactory)() for _ in range(3)]
    items = [f"article:{a.pk}" for a in articles]
    async with editor_socket(await as_user(editor), watch=tuple(items[:2])) as client:
        await client.send_json_to({"action": "watch", "item": items[2]})
        assert (await next_of(client, "error"))["code"] == "too_many_subscriptions"
        await client.send_json_to({"action": "watch", "item": items[0]})  # again: no new one
        await next_of(client, "watching", items[0])
        await client.send_json_to({"action": "unwatch", "item": items[0]})
        await next_of(client, "unwatched", items[0])
        await client.send_json_to({"action": "watch", "item": items[2]})
        await next_of(client, "watching", items[2])


async def test_connections_per_user_are_limited(editor, settings):
    settings.REALTIME_MAX_CONNECTIONS_PER_KEY = 1
    headers = await as_user(editor)
    async with editor_socket(headers):
        frame, code = await refused([bearer(editor)])  # however they sign in
        assert (frame["code"], code) == ("too_many_connections", 4429)
    async with editor_socket(headers):
        pass


async def test_an_idle_connection_is_closed_with_4408(editor, settings):
    settings.REALTIME_IDLE_SECONDS = 0.3
    client = WebsocketCommunicator(application, EDITORS_URL, headers=await as_user(editor))
    assert (await client.connect(timeout=5))[0]
    assert (await next_of(client, "error"))["code"] == "idle_timeout"
    closed = await client.receive_output(timeout=5)
    assert (closed["type"], closed["code"]) == ("websocket.close", 4408)


@pytest.mark.parametrize(
    ("how", "signed_in", "code"),
    [
        ("deactivate", "session", "session_ended"),
        ("sign_out", "session", "session_ended"),
        ("leave_staff", "session", "session_ended"),
        ("deactivate", "token", "token_expired"),
        ("change_password", "token", "token_expired"),
    ],
)
async def test_a_connection_closes_once_its_user_or_session_is_gone(
    editor, settings, how, signed_in, code
):
    settings.REALTIME_KEY_CHECK_SECONDS = 0.1
    colleague = await make_user(role="Editor")
    headers = await as_user(editor) if signed_in == "session" else [bearer(editor)]
    async with editor_socket(await as_user(colleague)) as unaffected:
        client = WebsocketCommunicator(application, EDITORS_URL, headers=headers)
        assert (await client.connect(timeout=5))[0]

        @database_sync_to_async
        def take_away():
            users = type(editor).objects.filter(pk=editor.pk)
            if how == "deactivate":
                users.update(is_active=False)
            elif how == "leave_staff":
                users.update(is_staff=False)
            elif how == "change_password":
                editor.set_password("another-password-2")
                editor.save()
            else:  # signing out deletes the session
                key = headers[1][1].decode().partition("=")[2]
                Session.objects.filter(session_key=key).delete()

        await take_away()
        frame = await client.receive_json_from(timeout=2)
        closed = await client.receive_output(timeout=2)
        assert frame["code"] == code
        assert (closed["type"], closed["code"]) == ("websocket.close", 4401)
        await unaffected.send_json_to({"action": "ping"})
        assert await unaffected.receive_json_from(timeout=5) == {"event": "pong"}
