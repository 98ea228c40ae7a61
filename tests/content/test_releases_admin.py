"""Releases in the admin: built from an item's header and a changelist action, shown with
what blocks each item, validated, scheduled, published and reverted from its page."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import Client
from django.utils import timezone

from content import services
from content.models import Article, Release, ReleaseStatus, Status
from content.services import releases as rel
from content.services.release_publishing import release_publish
from governance.audit.models import AuditEvent
from governance.models import Workflow
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


def test_the_preview_panel_gives_a_token_that_delivery_answers_with(client, editor, settings):
    Workflow.objects.update(is_active=False)
    settings.FRONTEND_RELEASE_PREVIEW_URL = "/release-preview?token={token}"
    settings.FRONTEND_BASE_URL = "https://www.example.com"
    article = ArticleFactory(title="Launch post")
    release = _release_with(editor, article)
    login(client, editor)
    page = client.get(url("release_change", release.pk)).content.decode()
    assert 'id="release-preview"' in page
    assert 'data-release-action="preview"' in page
    assert 'data-release-preview="token"' not in page  # none asked for yet

    done = client.post(url("release_preview", release.pk), follow=True)
    assert any("preview token" in m for m in messages_of(done))
    page = done.content.decode()
    token = html.unescape(re.search(r'value="([^"]+)" data-release-preview="token"', page)[1])
    assert "https://www.example.com/release-preview?token=" in page
    assert f"X-Folio-Release-Preview: {token}" in html.unescape(page)
    urls = re.findall(
        r'href="(http://testserver/api/v1/delivery/articles/\?release_preview=[^"]+)"', page
    )
    assert urls
    assert AuditEvent.objects.filter(action="release.preview_token").count() == 1

    listed = Client().get(html.unescape(urls[0]).removeprefix("http://testserver"))
    assert [a["title"] for a in listed.json()["results"]] == ["Launch post"]
    assert Article.objects.get(pk=article.pk).status == Status.DRAFT


def test_no_preview_panel_for_viewers_or_a_published_release(client, editor, users):
    release = _release_with(editor, ArticleFactory())
    login(client, users["Viewer"])
    assert (
        'id="release-preview"' not in client.get(url("release_change", release.pk)).content.decode()
    )
    refused = client.post(url("release_preview", release.pk), follow=True)
    assert any("permission" in m for m in messages_of(refused))
    assert not AuditEvent.objects.filter(action="release.preview_token").exists()

    Workflow.objects.update(is_active=False)
    release_publish(release=release, actor=editor)
    login(client, editor)
    page = client.get(url("release_change", release.pk)).content.decode()
    assert 'data-release-status="published"' in page
    assert 'id="release-preview"' not in page


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
