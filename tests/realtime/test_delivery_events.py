"""Delivery events over /ws/v1/delivery/: after commit, never drafts, filtered, replayed."""

from __future__ import annotations

import asyncio

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import transaction

from config.asgi import application
from content import services
from content.models import Article
from realtime.log import event_log
from tests.content.factories import ArticleFactory, PageFactory, make_tag
from tests.realtime.conftest import (
    URL,
    connected,
    draft_article,
    next_frame,
    publish_article,
    unpublish,
)

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


async def test_a_publish_is_heard_after_it_commits():
    async with connected(subscribe={"types": ["article"]}) as client:
        article = await publish_article(title="Breaking")
        event = await next_frame(client)
    assert event["event"] == "published"
    assert event["type"] == "article"
    assert event["id"] == article.pk
    assert event["slug"] == "breaking"
    assert event["locale"] == "en"
    assert event["url"].endswith("/breaking/")
    assert event["surrogate_keys"] == ["article", f"article-{article.pk}"]
    assert isinstance(event["version"], int)
    assert event["event_id"]


async def test_unpublish_update_and_a_draft_save():
    async with connected(subscribe={}) as client:
        article = await publish_article(title="Story")
        assert (await next_frame(client))["event"] == "published"
        # A draft saved on the live item changes nothing the public sees: no event.
        await database_sync_to_async(services.entry_update)(
            entry=article, actor=None, data={"title": "Story, draft 2"}
        )
        await database_sync_to_async(services.entry_publish)(entry=article, actor=None)
        updated = await next_frame(client)
        assert (updated["event"], updated["id"]) == ("updated", article.pk)
        await unpublish(article)
        gone = await next_frame(client)
    assert (gone["event"], gone["id"], gone["slug"]) == ("unpublished", article.pk, "story")


async def test_nothing_for_drafts_nor_for_a_rolled_back_publish():
    @database_sync_to_async
    def publish_then_roll_back():
        draft = ArticleFactory(title="Never out")
        with transaction.atomic():
            services.entry_publish(entry=draft, actor=None)
            transaction.set_rollback(True)

    async with connected(subscribe={}) as client:
        await draft_article(title="Just a draft")
        await publish_then_roll_back()
        marker = await publish_article(title="Marker")
        # The first event heard is the marker's: neither the draft nor the rollback was told.
        event = await next_frame(client)
    assert (event["event"], event["id"]) == ("published", marker.pk)
    logged = await database_sync_to_async(event_log().after)(None)
    assert [e["id"] for e in logged] == [marker.pk]


async def test_filters_by_type_slug_path_and_tag():
    news = await database_sync_to_async(make_tag)("news")
    async with (
        connected(subscribe={"types": ["page"]}) as pages,
        connected(subscribe={"slugs": ["wanted"]}) as slugs,
        connected(subscribe={"tags": ["news"]}) as tags,
        connected(subscribe={"paths": ["/about"]}) as paths,
    ):
        wanted = await publish_article(title="Wanted")
        await publish_article(title="Tagged", tags=[news.pk])
        about = await database_sync_to_async(PageFactory)(title="About", published=True)
        await database_sync_to_async(PageFactory)(title="Team", parent=about.pk, published=True)
        await database_sync_to_async(PageFactory)(title="Contact", published=True)
        assert [(await next_frame(pages))["slug"] for _ in range(3)] == [
            "about",
            "team",
            "contact",
        ]
        assert (await next_frame(slugs))["slug"] == "wanted"
        tagged = await next_frame(tags)
        assert (tagged["slug"], tagged["tags"]) == ("tagged", ["news"])
        assert [(await next_frame(paths))["slug"] for _ in range(2)] == ["about", "team"]
        # Each heard nothing more: the next event each hears is the one meant for it.
        await unpublish(wanted)
        more = await publish_article(title="More news", tags=[news.pk])
        history = await database_sync_to_async(PageFactory)(
            title="History", parent=about.pk, published=True
        )
        assert (await next_frame(slugs))["event"] == "unpublished"
        assert (await next_frame(tags))["id"] == more.pk
        assert (await next_frame(paths))["id"] == history.pk
        assert (await next_frame(pages))["id"] == history.pk


async def test_a_reconnecting_client_gets_what_it_missed():
    async with connected(subscribe={"types": ["article"]}) as client:
        first = await publish_article(title="One")
        seen = (await next_frame(client))["event_id"]
    await publish_article(title="Two")
    await database_sync_to_async(PageFactory)(title="Not wanted", published=True)
    await publish_article(title="Three")
    async with connected() as client:
        await client.send_json_to(
            {"action": "subscribe", "types": ["article"], "last_event_id": seen}
        )
        assert (await next_frame(client))["event"] == "subscribed"
        missed = [await next_frame(client) for _ in range(2)]
        assert [e["slug"] for e in missed] == ["two", "three"]
        # Live events follow the replayed ones, none twice.
        live = await publish_article(title="Four")
        assert (await next_frame(client))["id"] == live.pk
    assert first.pk != live.pk


@pytest.mark.parametrize("last_event_id", ["1", "no-such-id", "999999999"])
async def test_replay_beyond_the_window_says_so(settings, last_event_id):
    settings.REALTIME_REPLAY_EVENTS = 2
    for title in ("A", "B", "C", "D"):
        await publish_article(title=title)
    async with connected() as client:
        await client.send_json_to({"action": "subscribe", "last_event_id": last_event_id})
        assert (await next_frame(client))["event"] == "subscribed"
        frame = await next_frame(client)
    assert frame == {"event": "replay_unavailable", "last_event_id": last_event_id}


async def test_expiry_is_announced_as_expired():
    article = await publish_article(title="Short lived")

    @database_sync_to_async
    def expire():
        from datetime import timedelta

        from django.utils import timezone

        from content.delivery.services import snapshot_refresh

        Article.objects.filter(pk=article.pk).update(
            expire_at=timezone.now() - timedelta(seconds=1)
        )
        snapshot_refresh(model=Article, entry_ids=[article.pk])

    async with connected(subscribe={}) as client:
        await expire()
        event = await next_frame(client)
    assert (event["event"], event["id"]) == ("expired", article.pk)


async def test_a_crowd_connecting_at_once_hears_each_event_once():
    """Regression: every connection of a crowd used to start its own reader of the log,
    and each event came once per reader."""
    clients = [WebsocketCommunicator(application, URL) for _ in range(20)]
    assert all(ok for ok, _ in await asyncio.gather(*(c.connect(timeout=5) for c in clients)))
    try:
        for client in clients:
            await client.send_json_to({"action": "subscribe"})
            assert (await next_frame(client))["event"] == "subscribed"
        article = await publish_article(title="Once")
        for client in clients:
            assert (await next_frame(client))["id"] == article.pk
        # A second copy of the first event would come before the next one.
        marker = await publish_article(title="Then this")
        for client in clients:
            assert (await next_frame(client))["id"] == marker.pk
    finally:
        await asyncio.gather(*(c.disconnect() for c in clients))
