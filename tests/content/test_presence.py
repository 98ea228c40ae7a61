"""Presence: the change form's heartbeat says who else has the item open, kept in the cache
and forgotten after two missed heartbeats; only users who may view the item take part."""

from __future__ import annotations

import pytest

from content.services import edit_locks, presence
from tests.accounts.factories import UserFactory
from tests.assertions import assert_error
from tests.content.factories import ArticleFactory
from tests.content.test_admin import login, url

pytestmark = pytest.mark.django_db


def _beat(client, article, **data):
    return client.post(url("article_presence", article.pk), data)


def test_each_user_sees_the_others_who_have_the_item_open(client, users, editor):
    article = ArticleFactory()
    login(client, editor)
    assert _beat(client, article).json()["others"] == []

    viewer = users["Viewer"]
    login(client, viewer)
    seen = _beat(client, article).json()
    name = editor.get_full_name()
    initials = "".join(part[0] for part in name.split()[:2]).upper()
    assert seen["others"] == [{"id": editor.pk, "name": name, "initials": initials}]
    assert seen["version"] == article.version
    assert seen["lock"] is None

    login(client, editor)
    assert [p["id"] for p in _beat(client, article).json()["others"]] == [viewer.pk]
    # Another item's roster is its own.
    assert _beat(client, ArticleFactory()).json()["others"] == []


def test_leaving_drops_the_user_at_once(client, users, editor):
    article = ArticleFactory()
    login(client, users["Viewer"])
    _beat(client, article)
    assert _beat(client, article, leave="1").status_code == 204
    login(client, editor)
    assert _beat(client, article).json()["others"] == []


def test_someone_who_missed_two_heartbeats_is_gone(editor, settings):
    settings.CONTENT_PRESENCE_HEARTBEAT_SECONDS = 15
    article = ArticleFactory()
    other = UserFactory(role="Editor", full_name="Ada Lovelace")
    presence.presence_beat(entry=article, user=other, now=1000.0)
    still = presence.presence_beat(entry=article, user=editor, now=1029.0)
    assert [(p.user_id, p.name, p.initials) for p in still] == [(other.pk, "Ada Lovelace", "AL")]
    assert presence.presence_beat(entry=article, user=editor, now=1031.0) == []


def test_a_page_that_closes_leaves_unless_another_of_theirs_beat_since(editor):
    article = ArticleFactory()
    other = UserFactory(role="Editor", full_name="Ada Lovelace")
    presence.presence_beat(entry=article, user=other, now=1000.0)  # the page, then...
    presence.presence_beat(entry=article, user=other, now=1005.0)  # ...reloaded, or a tab
    presence.presence_leave(entry=article, user=other, now=1006.0, last_beat=1000.0)
    assert [p.user_id for p in presence.presence_beat(entry=article, user=editor, now=1007.0)] == [
        other.pk
    ]
    presence.presence_leave(entry=article, user=other, now=1008.0, last_beat=1005.0)
    assert presence.presence_beat(entry=article, user=editor, now=1009.0) == []


def test_the_heartbeat_reports_a_lock_taken_meanwhile(client, editor):
    article = ArticleFactory()
    other = UserFactory(role="Editor", full_name="Otto Other")
    edit_locks.entry_lock(entry=article, actor=other)
    login(client, editor)
    state = _beat(client, article).json()
    assert state["locked_for_you"] is True
    assert state["lock"]["locked_by_name"] == "Otto Other"
    assert state["lock"]["until"]


def test_only_users_who_may_view_the_item_take_part(client, editor):
    article = ArticleFactory()
    outsider = UserFactory(is_staff=True)  # in the admin, but with no role on content
    login(client, outsider)
    assert_error(_beat(client, article), 404, "not_found")
    login(client, editor)
    assert _beat(client, article).json()["others"] == []  # the outsider was never counted


def test_a_heartbeat_is_a_post(client, editor):
    article = ArticleFactory()
    login(client, editor)
    assert_error(client.get(url("article_presence", article.pk)), 405)
