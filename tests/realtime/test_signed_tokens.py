"""The real-time channel takes the tokens the API takes: signed with a key pair (RS256 here),
its own key or a previous one, never one signed elsewhere."""

from __future__ import annotations

import jwt
import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from config.asgi import application
from tests.accounts.factories import UserFactory
from tests.accounts.signing import rsa_pem, sign_with
from tests.realtime.conftest import URL, connected, next_frame, publish_article
from tests.realtime.editors import bearer

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _key_required(settings):
    settings.DELIVERY_REQUIRE_KEY = True  # so a refused token cannot pass as anonymous


async def test_an_rs256_token_connects_and_hears_published_content(settings):
    sign_with(settings, "RS256", rsa_pem())
    user = await database_sync_to_async(UserFactory)()
    header = bearer(user)
    assert jwt.get_unverified_header(header[1].decode().removeprefix("Bearer "))["alg"] == "RS256"
    async with connected(headers=[header], subscribe={}) as client:
        article = await publish_article(title="Signed with a key pair")
        assert (await next_frame(client))["id"] == article.pk

    # After a switch to a new pair, the connection is still accepted with the old key's token.
    sign_with(settings, "RS256", rsa_pem("b"), previous=[rsa_pem()])
    async with connected(headers=[header]):
        pass


async def test_a_token_signed_by_another_key_is_refused_with_4401(settings):
    sign_with(settings, "RS256", rsa_pem())
    user = await database_sync_to_async(UserFactory)()
    genuine = bearer(user)[1].decode().removeprefix("Bearer ")
    claims = jwt.decode(genuine, options={"verify_signature": False})
    kid = jwt.get_unverified_header(genuine)["kid"]
    forged = jwt.encode(claims, rsa_pem("unrelated"), algorithm="RS256", headers={"kid": kid})

    client = WebsocketCommunicator(application, f"{URL}?access_token={forged}")
    ok, _ = await client.connect(timeout=5)
    assert ok  # accepted, so the reason can be read, then closed
    assert (await client.receive_json_from(timeout=5))["code"] == "token_not_valid"
    closed = await client.receive_output(timeout=5)
    assert (closed["type"], closed["code"]) == ("websocket.close", 4401)
