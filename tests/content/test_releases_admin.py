"""Releases in the admin: built from an item's header and a changelist action, shown with
what blocks each item, validated, scheduled, published and reverted from its page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.utils import timezone

from content import services
from content.models import Article, Release, ReleaseStatus, Status
from content.services import releases as rel
from tests.content.factories import ArticleFactory
from tests.content.test_admin import login, messages_of, url
from tests.governance.policy_fixtures import banned

pytestmark = pytest.mark.django_db


def _release_with(editor, *entries):
    release = rel.release_create(actor=editor, name="Campaign")
    for entry in entries:
        rel.release_item_add(actor=editor, release=release, entry=entry)
    return release


def test_add_to_release_from_the_item_header_and_a_new_release(client, editor):
    article = ArticleFactory(title="Launch post")
    login(client, editor)
    header = client.get(url("article_change", article.pk)).content.decode()
    assert 'data-transition="add-to-release"' in header
    link = url("release_add_items") + f"?type=article&ids={article.pk}"
    page = client.get(link)
    assert "Launch post" in page.content.decode()
    done = client.post(link, {"release": "", "new_name": "Spring", "action": "publish"})
    release = Release.objects.get(name="Spring")
    assert done.url == url("release_change", release.pk)
    assert release.items.get().object_id == article.pk


def test_add_to_release_as_a_changelist_bulk_action(client, editor):
    articles = [ArticleFactory() for _ in range(3)]
    release = rel.release_create(actor=editor, name="Autumn")
    login(client, editor)
    response = client.post(
        url("article_changelist"),
        {"action": "add_to_release", ACTION_CHECKBOX_NAME: [a.pk for a in articles]},
    )
    assert response.status_code == 302
    assert "release/add-items/" in response.url
    client.post(response.url, {"release": release.pk, "action": "publish"})
    assert sorted(release.items.values_list("object_id", flat=True)) == sorted(
        a.pk for a in articles
    )


def test_authors_are_not_offered_releases(client, users):
    article = ArticleFactory(owner=users["Author"])
    login(client, users["Author"])
    header = client.get(url("article_change", article.pk)).content.decode()
    assert "add-to-release" not in header
    adding = client.get(url("release_add_items") + f"?type=article&ids={article.pk}")
    assert adding.status_code == 403
    release = _release_with(users["Editor"], article)
    client.post(url("release_publish", release.pk))
    assert Article.objects.get(pk=article.pk).status == Status.DRAFT


def test_the_release_page_shows_the_blocked_item_and_publishing_refuses(client, editor):
    banned(terms=("forbidden",))
    good, bad = ArticleFactory(title="Fine"), ArticleFactory(title="forbidden words")
    release = _release_with(editor, good, bad)
    login(client, editor)
    validated = client.post(url("release_validate", release.pk), follow=True)
    page = validated.content.decode()
    assert "1 item(s) block this release" in " ".join(messages_of(validated))
    assert "Blocked" in page
    assert page.count("data-blocked") == 1
    assert "banned term" in page

    published = client.post(url("release_publish", release.pk), follow=True)
    assert any("1 of 2 item(s) refused" in m for m in messages_of(published))
    assert Release.objects.get(pk=release.pk).status == ReleaseStatus.FAILED
    assert not Article.objects.filter(status=Status.PUBLISHED).exists()


def test_schedule_publish_and_revert_from_the_release_page(client, editor):
    articles = [ArticleFactory() for _ in range(2)]
    release = _release_with(editor, *articles)
    login(client, editor)
    when = timezone.localtime() + timedelta(hours=1)
    client.post(
        url("release_schedule", release.pk), {"publish_at": when.strftime("%Y-%m-%dT%H:%M")}
    )
    assert Release.objects.get(pk=release.pk).status == ReleaseStatus.SCHEDULED
    bad = client.post(url("release_schedule", release.pk), {"publish_at": "soon"}, follow=True)
    assert any("valid date" in m for m in messages_of(bad))

    client.post(url("release_publish", release.pk))
    assert Article.objects.filter(status=Status.PUBLISHED).count() == 2
    page = client.get(url("release_change", release.pk)).content.decode()
    assert 'data-release-action="revert"' in page
    assert 'data-release-action="publish"' not in page

    client.post(url("release_revert", release.pk))
    assert Release.objects.get(pk=release.pk).status == ReleaseStatus.REVERTED
    assert not Article.objects.filter(status=Status.PUBLISHED).exists()


def test_the_release_changelist_and_add_form(client, editor):
    _release_with(editor, ArticleFactory())
    login(client, editor)
    listing = client.get(url("release_changelist")).content.decode()
    assert "Campaign" in listing
    client.post(url("release_add"), {"name": "Winter", "description": ""})
    assert Release.objects.filter(name="Winter", created_by=editor).exists()


@pytest.mark.django_db
def test_the_release_page_warns_of_items_changed_since_before_a_revert(client, editor):
    first, second = ArticleFactory(), ArticleFactory()
    release = _release_with(editor, first, second)
    login(client, editor)
    client.post(url("release_publish", release.pk))
    services.entry_update(entry=first, actor=editor, data={"title": "Later"})
    services.entry_publish(entry=first, actor=editor)

    page = client.get(url("release_change", release.pk)).content.decode()
    assert 'data-release="changed-since"' in page
    assert page.count('data-release="item-changed-since"') == 1
    refused = client.post(url("release_revert", release.pk), follow=True)
    assert any("changed since" in m for m in messages_of(refused))
    assert Release.objects.get(pk=release.pk).status == ReleaseStatus.PUBLISHED

    client.post(url("release_revert", release.pk), {"overwrite_later": "on"})
    assert Release.objects.get(pk=release.pk).status == ReleaseStatus.REVERTED
    assert not Article.objects.filter(status=Status.PUBLISHED).exists()
