"""What an editor with an item open hears over /ws/admin/: who else is there, its
lock, what others did to it, and the review queue changing; only for items they may view,
and never on the delivery channel."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from django.test import Client
from django.urls import reverse

from content import services
from content.services.grants import role_grant_create
from governance.workflows.configuration import workflow_create
from governance.workflows.services import review_decide, submission_current
from realtime.log import DELIVERY, EDITORS, event_log
from tests.accounts.factories import UserFactory
from tests.content.factories import ArticleFactory, make_category
from tests.realtime.conftest import connected, next_frame
from tests.realtime.editors import as_user, editor_socket, next_of, session_cookie

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def ana():
    return UserFactory(role="Editor", full_name="Ana Editor")


@pytest.fixture
def otto():
    return UserFactory(role="Editor", full_name="Otto Other")


@pytest.fixture
def article():
    return ArticleFactory(title="Harbour festival")


def key(article) -> str:
    return f"article:{article.pk}"


async def test_each_sees_the_others_presence_as_they_come_and_go(ana, otto, article):
    async with editor_socket(await as_user(ana), watch=(key(article),)) as anas:
        otto_headers = await as_user(otto)
        async with editor_socket(otto_headers) as ottos:
            await ottos.send_json_to({"action": "watch", "item": key(article)})
            joined = await next_of(ottos, "watching", key(article))
            assert [p["name"] for p in joined["others"]] == ["Ana Editor"]
            arrived = await next_of(anas, "presence", key(article))
            assert arrived["others"] == [{"id": otto.pk, "name": "Otto Other", "initials": "OO"}]
            # Otto closes the form: Ana hears it at once, not two heartbeats later.
            await ottos.send_json_to({"action": "unwatch", "item": key(article)})
            await next_of(ottos, "unwatched", key(article))
            assert (await next_of(anas, "presence", key(article)))["others"] == []
            await ottos.send_json_to({"action": "watch", "item": key(article)})
            await next_of(ottos, "watching", key(article))
            assert len((await next_of(anas, "presence", key(article)))["others"]) == 1
        # Disconnecting (the tab closed) leaves too.
        assert (await next_of(anas, "presence", key(article)))["others"] == []


async def test_a_reload_does_not_make_its_editor_vanish(ana, otto, article):
    """The reloaded page connects before the old page's connection closes: Otto stays."""
    async with editor_socket(await as_user(ana), watch=(key(article),)) as anas:
        otto_headers = await as_user(otto)
        old = editor_socket(otto_headers, watch=(key(article),))
        await old.__aenter__()
        assert len((await next_of(anas, "presence", key(article)))["others"]) == 1
        async with editor_socket(otto_headers, watch=(key(article),)):
            await old.__aexit__(None, None, None)
            # The new page has beaten since: the old one's goodbye changes nothing, and
            # Ana's next frame is what Otto does next, not his departure.
            await database_sync_to_async(services.entry_lock)(entry=article, actor=otto)
            assert (await anas.receive_json_from(timeout=5))["event"] == "lock"


async def test_someone_on_the_http_heartbeat_is_seen_at_once(ana, otto, article):
    """The fallback (no socket) still announces its arrival to those on the socket."""
    async with editor_socket(await as_user(ana), watch=(key(article),)) as anas:

        @database_sync_to_async
        def beat_over_http():
            client = Client()
            client.force_login(otto)
            url = reverse("admin:content_article_presence", args=[article.pk])
            assert client.post(url).status_code == 200

        await beat_over_http()
        heard = await next_of(anas, "presence", key(article))
    assert [p["id"] for p in heard["others"]] == [otto.pk]


async def test_a_lock_and_unlock_redraw_each_watchers_banner(ana, otto, article):
    async with editor_socket(await as_user(ana), watch=(key(article),)) as anas:
        await database_sync_to_async(services.entry_lock)(entry=article, actor=otto)
        locked = await next_of(anas, "lock", key(article))
        assert locked["locked"] is True
        assert locked["actor"] == {"id": otto.pk, "name": "Otto Other"}
        assert locked["locked_for_you"] is True
        assert locked["lock_banner"].startswith("Locked by Otto Other until ")
        assert locked["lock"]["locked_by_name"] == "Otto Other"
        await database_sync_to_async(services.entry_unlock)(entry=article, actor=otto)
        unlocked = await next_of(anas, "lock", key(article))
    assert (unlocked["locked"], unlocked["lock"], unlocked["lock_banner"]) == (False, None, "")


async def test_the_holder_reads_their_own_banner(ana, article):
    async with editor_socket(await as_user(ana), watch=(key(article),)) as anas:
        await database_sync_to_async(services.entry_lock)(entry=article, actor=ana)
        locked = await next_of(anas, "lock", key(article))
    assert locked["locked_for_you"] is False
    assert locked["lock_banner"].startswith("You locked this article until ")


async def test_changes_by_others_name_who_and_what(ana, otto, article):
    async with editor_socket(await as_user(ana), watch=(key(article),)) as anas:
        await database_sync_to_async(services.entry_update)(
            entry=article, actor=otto, data={"title": "Harbour festival, day two"}
        )
        saved = await next_of(anas, "changed", key(article))
        assert (saved["action"], saved["by_you"]) == ("update", False)
        assert saved["text"] == "Otto Other saved changes to this article"
        assert saved["actor"] == {"id": otto.pk, "name": "Otto Other"}
        await database_sync_to_async(services.entry_publish)(entry=article, actor=otto)
        published = await next_of(anas, "changed", key(article))
        assert published["text"] == "Otto Other published this article"
        assert (published["status"], published["version"]) == ("published", saved["version"] + 1)
        # Her own change (from another tab) is marked hers: no toast for it.
        await database_sync_to_async(services.entry_unpublish)(entry=article, actor=ana)
        own = await next_of(anas, "changed", key(article))
    assert (own["action"], own["by_you"]) == ("unpublish", True)
    assert "event_id" not in own


async def test_nothing_for_a_change_that_rolls_back(ana, otto, article):
    async with editor_socket(await as_user(ana), watch=(key(article),)) as anas:

        @database_sync_to_async
        def roll_back():
            from django.db import transaction

            with transaction.atomic():
                services.entry_update(entry=article, actor=otto, data={"title": "Never"})
                transaction.set_rollback(True)
            services.entry_update(entry=article, actor=otto, data={"title": "Kept"})

        await roll_back()
        changed = await next_of(anas, "changed", key(article))
    assert changed["version"] == article.version + 1  # the kept one, the first heard


@pytest.fixture
def sections():
    """An Editor of "News" only, an article there and one in "Sport"."""
    news, sport = make_category("News"), make_category("Sport")
    reader = UserFactory(full_name="News Editor")
    role_grant_create(actor=None, data={"user": reader, "role": "Editor", "category": news})
    inside = ArticleFactory(title="Inside", category=news.pk)
    return reader, inside, ArticleFactory(title="Outside", category=sport.pk)


async def test_someone_without_a_grant_on_the_section_is_refused_and_hears_nothing(otto, sections):
    reader, inside, outside = sections
    async with editor_socket(await as_user(reader), watch=(key(inside),)) as readers:
        await readers.send_json_to({"action": "watch", "item": key(outside)})
        refused = await next_of(readers, "error")
        assert (refused["code"], refused["item"]) == ("item_not_found", key(outside))
        # Changes to the item they may not see never reach them; to theirs, they do.
        for entry in (outside, inside):
            await database_sync_to_async(services.entry_update)(
                entry=entry, actor=otto, data={"title": f"{entry.title}, changed"}
            )
        heard = await next_of(readers, "changed")
    assert heard["item"] == key(inside)


async def test_editors_events_never_reach_the_delivery_channel(ana, otto, article):
    async with (
        connected(subscribe={}) as frontend,
        editor_socket(await as_user(ana), watch=(key(article),)) as anas,
    ):
        await database_sync_to_async(services.entry_update)(
            entry=article, actor=otto, data={"title": "A draft title nobody may read"}
        )
        await next_of(anas, "changed", key(article))
        await database_sync_to_async(services.entry_publish)(entry=article, actor=otto)
        await next_of(anas, "changed", key(article))
        # The frontend's first event is the publish: nothing of the draft before it.
        first = await next_frame(frontend)
    assert (first["event"], first["id"]) == ("published", article.pk)
    delivery = await database_sync_to_async(event_log(DELIVERY).after)(None)
    editors = await database_sync_to_async(event_log(EDITORS).after)(None)
    assert {e["event"] for e in delivery} == {"published"}
    assert {e["event"] for e in editors} >= {"changed", "presence"}
    assert not any("A draft title" in str(e) for e in delivery)


@pytest.fixture
def desk_review():
    """A one-step review of articles, a Reviewer, and an Author's draft."""
    workflow_create(
        actor=None,
        data={
            "name": "Desk review",
            "is_active": True,
            "content_types": ["article"],
            "steps": [{"order": 1, "name": "Desk", "role": "Reviewer", "approvals_required": 1}],
        },
    )
    author = UserFactory(role="Author", full_name="Aria Author")
    reviewer = UserFactory(role="Reviewer", full_name="Rita Reviewer")
    return author, reviewer, ArticleFactory(title="For review", owner=author)


async def test_the_review_queue_hears_every_workflow_transition(ana, desk_review):
    author, reviewer, draft = desk_review
    async with editor_socket(await as_user(ana), watch=("review_queue",)) as queue:
        await database_sync_to_async(services.entry_submit)(entry=draft, actor=author)
        submitted = await next_of(queue, "review_queue")
        # It names nothing a reviewer outside the item's section may not see.
        assert submitted == {"event": "review_queue", "item": "review_queue"}

        @database_sync_to_async
        def approve():
            submission = submission_current(draft)
            review_decide(submission=submission, actor=reviewer, decision="approve")

        await approve()
        assert (await next_of(queue, "review_queue"))["item"] == "review_queue"


async def test_a_session_cookie_of_another_user_is_theirs(ana, otto, article):
    """Each connection is its user's: presence names the right person."""
    async with editor_socket([*(await as_user(otto))[:1], await session_cookie(otto)]) as ottos:
        await ottos.send_json_to({"action": "watch", "item": key(article)})
        await next_of(ottos, "watching", key(article))
        async with editor_socket(await as_user(ana), watch=(key(article),)):
            arrived = await next_of(ottos, "presence", key(article))
    assert [p["name"] for p in arrived["others"]] == ["Ana Editor"]
