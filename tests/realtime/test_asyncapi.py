"""docs/asyncapi.yaml describes what the channels really send: its channels are the routes
the ASGI process serves, and frames from real connections (a publish, a colleague's
publish, a bad frame) validate against the document's message schemas."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from channels.db import database_sync_to_async
from django.urls import URLPattern
from jsonschema import Draft7Validator
from referencing import Registry, Resource

from content import services
from realtime.routing import http_urlpatterns, websocket_urlpatterns
from tests.accounts.factories import UserFactory
from tests.content.factories import ArticleFactory
from tests.realtime.conftest import connected, next_frame, publish_article
from tests.realtime.editors import as_user, editor_socket, next_of

DOC = yaml.safe_load((Path(__file__).parents[2] / "docs" / "asyncapi.yaml").read_text())
URI = "urn:folio:asyncapi"
REGISTRY = Registry().with_resource(URI, Resource.opaque(DOC))
# The realtime conftest's autouse fixtures close database connections, so even the test
# that reads only the document asks for the database first.
pytestmark = pytest.mark.django_db(transaction=True)


def _refs(node):
    if isinstance(node, dict):
        if "$ref" in node:
            yield node["$ref"]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def _resolve(ref: str):
    node = DOC
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node


def test_the_document_is_whole_and_names_the_served_routes():
    assert DOC["asyncapi"].startswith("3.")
    for ref in _refs(DOC):
        _resolve(ref)  # a KeyError names a dangling reference
    served = {
        f"/{p.pattern}"
        for p in [*websocket_urlpatterns, *http_urlpatterns]
        if isinstance(p, URLPattern) and str(p.pattern)
    }
    assert {c["address"] for c in DOC["channels"].values()} == served


def _message_for(frame: dict) -> str:
    """The component message whose `event` is the frame's."""
    for name, message in DOC["components"]["messages"].items():
        event = message["payload"].get("properties", {}).get("event", {})
        if frame["event"] == event.get("const") or frame["event"] in event.get("enum", ()):
            return name
    raise AssertionError(f"docs/asyncapi.yaml has no message for {frame}")


def assert_described(frame: dict) -> None:
    name = _message_for(frame)
    schema = {"$ref": f"{URI}#/components/messages/{name}/payload"}
    errors = [e.message for e in Draft7Validator(schema, registry=REGISTRY).iter_errors(frame)]
    assert not errors, (name, frame, errors)


@pytest.mark.asyncio
async def test_delivery_frames_match_the_document():
    async with connected() as client:
        await client.send_json_to({"action": "subscribe", "types": ["article"]})
        assert_described(await next_frame(client))
        await publish_article(title="Described")
        event = await next_frame(client)
        assert event["event"] == "published"
        assert_described(event)
        await client.send_to(text_data="[not an object]")
        assert_described(await next_frame(client))
        await client.send_json_to({"action": "ping"})
        assert_described(await next_frame(client))


@pytest.mark.asyncio
async def test_editor_frames_match_the_document():
    ana = await database_sync_to_async(UserFactory)(role="Editor", full_name="Ana Editor")
    otto = await database_sync_to_async(UserFactory)(role="Editor", full_name="Otto Other")
    article = await database_sync_to_async(ArticleFactory)(title="Harbour")
    item = f"article:{article.pk}"
    async with editor_socket(await as_user(ana)) as socket:
        await socket.send_json_to({"action": "watch", "item": item})
        assert_described(await next_of(socket, "watching", item))
        await database_sync_to_async(services.entry_publish)(entry=article, actor=otto)
        changed = await next_of(socket, "changed", item)
        assert changed["by_you"] is False
        assert_described(changed)
        await socket.send_json_to({"action": "watch", "item": "nothing"})
        assert_described(await next_frame(socket))
