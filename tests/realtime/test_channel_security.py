"""Who may connect to /ws/v1/delivery/, and the limits one connection lives within."""

from __future__ import annotations

import pytest
from asgiref.testing import ApplicationCommunicator
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from accounts import services as accounts
from accounts.models import ApiKey
from config.asgi import application
from tests.accounts.factories import ApiKeyFactory, UserFactory
from tests.realtime.conftest import URL, connected, next_frame, publish_article
from tests.realtime.editors import bearer

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


async def _refused(headers=(), path=URL) -> tuple[dict, int]:
    client = WebsocketCommunicator(application, path, headers=list(headers))
    ok, _ = await client.connect(timeout=5)
    assert ok  # accepted, so the reason can be read, then closed
    frame = await client.receive_json_from(timeout=5)
    closed = await client.receive_output(timeout=5)
    assert closed["type"] == "websocket.close"
    return frame, closed["code"]


def _key(scopes):
    return database_sync_to_async(ApiKeyFactory)(scopes=scopes)


@pytest.fixture
def key_required(settings):
    settings.DELIVERY_REQUIRE_KEY = True


async def test_anonymous_is_refused_with_4401_when_a_key_is_required(key_required):
    frame, code = await _refused()
    assert (frame["event"], frame["code"], code) == ("error", "not_authenticated", 4401)


async def test_a_bad_key_is_refused_with_4401_even_when_none_is_required():
    frame, code = await _refused([(b"authorization", b"Api-Key fk_nope.nope")])
    assert (frame["code"], code) == ("invalid_api_key", 4401)


async def test_a_revoked_key_is_refused(key_required):
    key = await _key(["delivery:read"])
    await database_sync_to_async(accounts.api_key_revoke)(actor=key.user, api_key=key)
    frame, code = await _refused(path=f"{URL}?api_key={key.raw_key}")
    assert (frame["code"], code) == ("invalid_api_key", 4401)


async def test_a_key_without_delivery_read_is_refused_with_4403(key_required):
    key = await _key(["content:read"])
    frame, code = await _refused([(b"authorization", f"Api-Key {key.raw_key}".encode())])
    assert (frame["code"], code) == ("permission_denied", 4403)


async def test_a_delivery_key_connects_by_header_or_query(key_required):
    key = await _key(["delivery:read"])
    headers = [(b"authorization", f"Api-Key {key.raw_key}".encode())]
    async with connected(headers=headers, subscribe={}) as client:
        article = await publish_article(title="For keys")
        assert (await next_frame(client))["id"] == article.pk
    async with connected(path=f"{URL}?api_key={key.raw_key}", subscribe={}):
        pass


async def test_a_jwt_of_an_active_user_connects_by_header_or_query(key_required):
    user = await database_sync_to_async(UserFactory)(full_name="A Frontend Developer")
    header = bearer(user)
    async with connected(headers=[header], subscribe={}) as client:
        article = await publish_article(title="For tokens")
        assert (await next_frame(client))["id"] == article.pk
    token = header[1].decode().removeprefix("Bearer ")
    async with connected(path=f"{URL}?access_token={token}"):
        pass


async def test_a_bad_jwt_is_refused_with_4401_even_when_none_is_required():
    frame, code = await _refused([(b"authorization", b"Bearer not.a.token")])
    assert (frame["code"], code) == ("token_not_valid", 4401)
    inactive = await database_sync_to_async(UserFactory)(is_active=False)
    frame, code = await _refused(path=f"{URL}?access_token={bearer(inactive)[1][7:].decode()}")
    assert (frame["code"], code) == ("token_not_valid", 4401)


async def test_a_jwts_connection_closes_when_its_user_is_deactivated(settings):
    settings.REALTIME_KEY_CHECK_SECONDS = 0.1
    user = await database_sync_to_async(UserFactory)()
    async with connected(headers=[bearer(user)]) as client:
        await database_sync_to_async(type(user).objects.filter(pk=user.pk).update)(is_active=False)
        assert (await next_frame(client))["code"] == "token_expired"
        closed = await client.receive_output(timeout=5)
        assert (closed["type"], closed["code"]) == ("websocket.close", 4401)


async def test_connections_per_key_are_limited(key_required, settings):
    settings.REALTIME_MAX_CONNECTIONS_PER_KEY = 1
    key = await _key(["delivery:read"])
    path = f"{URL}?api_key={key.raw_key}"
    async with connected(path=path):
        frame, code = await _refused(path=path)
        assert (frame["code"], code) == ("too_many_connections", 4429)
    async with connected(path=path):  # the first one's slot is free again
        pass


async def test_another_sites_origin_is_refused_at_the_handshake():
    client = WebsocketCommunicator(application, URL, headers=[(b"origin", b"https://evil.test")])
    ok, _ = await client.connect(timeout=5)
    assert not ok  # closed before the handshake completes: the server answers HTTP 403
    async with connected(headers=[(b"origin", b"http://localhost:3000")]):
        pass  # a host in ALLOWED_HOSTS


async def test_an_unknown_channel_is_refused():
    client = WebsocketCommunicator(application, "/ws/v1/nothing/")
    ok, _ = await client.connect(timeout=5)
    assert not ok


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("not json", "malformed_frame"),
        ("[1, 2]", "malformed_frame"),
        ('{"action": "dance"}', "unknown_action"),
        ('{"action": "subscribe", "types": "article"}', "invalid_subscription"),
        ('{"action": "subscribe", "tags": [1]}', "invalid_subscription"),
        ('{"action": "unsubscribe", "subscription": "s9"}', "unknown_subscription"),
        ('{"action": "ping", "pad": "' + "x" * 5000 + '"}', "frame_too_large"),
    ],
)
async def test_a_bad_frame_gets_an_error_frame_and_the_connection_stays(frame, code):
    async with connected() as client:
        await client.send_to(text_data=frame)
        error = await next_frame(client)
        assert error["event"] == "error"
        assert error["code"] == code
        assert error["detail"]
        await client.send_json_to({"action": "ping"})
        assert await next_frame(client) == {"event": "pong"}


async def test_binary_garbage_is_an_error_frame_too():
    async with connected() as client:
        await client.send_to(bytes_data=b"\xff\xfe\x00")
        assert (await next_frame(client))["code"] == "malformed_frame"


async def test_subscriptions_per_connection_are_limited(settings):
    settings.REALTIME_MAX_SUBSCRIPTIONS = 2
    async with connected() as client:
        for _ in range(2):
            await client.send_json_to({"action": "subscribe", "types": ["article"]})
            assert (await next_frame(client))["event"] == "subscribed"
        await client.send_json_to({"action": "subscribe"})
        assert (await next_frame(client))["code"] == "too_many_subscriptions"
        await client.send_json_to({"action": "unsubscribe", "subscription": "s1"})
        assert await next_frame(client) == {"event": "unsubscribed", "subscription": "s1"}
        await client.send_json_to({"action": "subscribe", "types": ["page"]})
        assert (await next_frame(client))["subscription"] == "s3"


async def test_unsubscribed_clients_hear_nothing():
    async with (
        connected(subscribe={"types": ["article"]}) as client,
        connected(subscribe={}) as witness,
    ):
        await client.send_json_to({"action": "unsubscribe"})
        assert (await next_frame(client))["event"] == "unsubscribed"
        unheard = await publish_article(title="Unheard")
        # Once the witness has it, the event has reached every listener of the process.
        assert (await next_frame(witness))["id"] == unheard.pk
        await client.send_json_to({"action": "ping"})
        assert await next_frame(client) == {"event": "pong"}


async def test_an_idle_connection_is_closed_with_4408(settings):
    settings.REALTIME_IDLE_SECONDS = 0.3
    client = WebsocketCommunicator(application, URL)
    ok, _ = await client.connect(timeout=5)
    assert ok
    frame = await client.receive_json_from(timeout=5)
    closed = await client.receive_output(timeout=5)
    assert frame["code"] == "idle_timeout"
    assert (closed["type"], closed["code"]) == ("websocket.close", 4408)


@pytest.mark.parametrize("how", ["revoke", "deactivate_user"])
async def test_a_revoked_keys_connections_are_closed_within_a_second(settings, how):
    settings.REALTIME_KEY_CHECK_SECONDS = 0.1
    key = await _key(["delivery:read"])
    other = await _key(["delivery:read"])
    async with connected(path=f"{URL}?api_key={other.raw_key}") as unaffected:
        client = WebsocketCommunicator(application, f"{URL}?api_key={key.raw_key}")
        assert (await client.connect(timeout=5))[0]

        @database_sync_to_async
        def take_away():
            if how == "revoke":
                accounts.api_key_revoke(actor=key.user, api_key=key)
            else:
                type(key.user).objects.filter(pk=key.user_id).update(is_active=False)

        await take_away()
        frame = await client.receive_json_from(timeout=1)
        closed = await client.receive_output(timeout=1)
        assert frame["code"] == "key_revoked"
        assert (closed["type"], closed["code"]) == ("websocket.close", 4401)
        await unaffected.send_json_to({"action": "ping"})
        assert await next_frame(unaffected) == {"event": "pong"}


class _FromAddress(ApplicationCommunicator):
    """Puts the peer's address in the scope, as the ASGI server does."""

    peer = "127.0.0.1"

    def __init__(self, application, scope):
        super().__init__(application, {**scope, "client": (self.peer, 50000)})


def _client_from(peer: str, path: str, headers=()) -> WebsocketCommunicator:
    class Client(WebsocketCommunicator, _FromAddress):
        pass

    Client.peer = peer
    return Client(application, path, headers=list(headers))


async def test_a_key_restricted_to_networks_connects_only_from_them(settings):
    settings.TRUSTED_PROXIES = ["192.0.2.0/24"]
    key = await _key(["delivery:read"])
    await database_sync_to_async(ApiKey.objects.filter(pk=key.pk).update)(
        allowed_networks=["10.0.0.0/8"]
    )
    path = f"{URL}?api_key={key.raw_key}"

    refused = _client_from("127.0.0.1", path, [(b"x-forwarded-for", b"10.1.1.1")])
    assert (await refused.connect(timeout=5))[0]
    frame = await refused.receive_json_from(timeout=5)
    closed = await refused.receive_output(timeout=5)
    assert (frame["code"], closed["code"]) == ("address_not_allowed", 4403)

    for allowed in (
        _client_from("10.2.3.4", path),
        _client_from("192.0.2.7", path, [(b"x-forwarded-for", b"10.1.1.1")]),  # our proxy
    ):
        assert (await allowed.connect(timeout=5))[0]
        await allowed.send_json_to({"action": "subscribe"})
        assert (await allowed.receive_json_from(timeout=5))["event"] == "subscribed"
        await allowed.disconnect()
