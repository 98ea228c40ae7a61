"""Content's services read the type registry (content.types): a type's path builder, its
review interval and what a revert keeps come from its registration, not from its name."""

from __future__ import annotations

import dataclasses
import importlib
from datetime import date, timedelta

import pytest
from django.utils import timezone

from config.settings import features
from content import services, types
from content.models import Article, Page, Redirect, Reference
from content.services.references import entries_at
from governance.policies.kinds import rule_check
from tests.content.factories import ArticleFactory, PageFactory

pytestmark = pytest.mark.django_db


def _links(*hrefs: str) -> list[dict]:
    text = " ".join(f'<a href="{href}">link</a>' for href in hrefs)
    return [{"type": "paragraph", "value": {"text": text}}]


@pytest.fixture
def news_paths(monkeypatch):
    """Articles registered with another path builder: /news/<slug>/."""
    patched = dataclasses.replace(
        types.entry_type("article"), url_path=lambda entry, slug: f"/news/{slug}/"
    )
    monkeypatch.setitem(types._registry, "article", patched)
    monkeypatch.setitem(types._by_model, Article, patched)
    return patched


def test_a_published_slug_change_redirects_along_the_types_path_builder(editor, news_paths):
    article = ArticleFactory(published=True, title="Old name")
    services.entry_update(entry=article, actor=editor, data={"slug": "new-name"})
    assert not Redirect.objects.exists()
    services.entry_publish(entry=article, actor=editor)
    redirect = Redirect.objects.get()
    assert (redirect.old_path, redirect.new_path) == ("/news/old-name/", "/news/new-name/")
    assert (redirect.target_object_id, redirect.is_auto) == (article.pk, True)


def test_a_first_publish_redirects_nothing(editor, news_paths):
    article = ArticleFactory(title="Fresh")
    services.entry_update(entry=article, actor=editor, data={"slug": "renamed"})
    services.entry_publish(entry=article, actor=editor)
    assert not Redirect.objects.exists()


def test_body_links_resolve_through_each_types_path_builder(editor, news_paths):
    target = ArticleFactory(title="Target")
    about = PageFactory(title="About")
    team = PageFactory(title="Team", parent=about)
    trashed = ArticleFactory(title="Gone", trashed=True)
    source = services.entry_create(
        model=Article,
        actor=editor,
        data={
            "title": "Source",
            # The old article prefix no longer leads anywhere; neither does a trashed item.
            "body": _links("/news/target", "/about/team/", "/articles/target/", "/news/gone/"),
        },
    )
    links = Reference.objects.filter(source_object_id=source.pk, field="body_link")
    assert set(links.values_list("target_content_type__model", "target_object_id")) == {
        ("article", target.pk),
        ("page", team.pk),
    }
    assert trashed.deleted_at is not None
    assert entries_at({"/news/target/", "/about/", "/nowhere/"}, "en") == {
        ("/news/target/", Article, target.pk),
        ("/about/", Page, about.pk),
    }


def test_the_broken_links_policy_finds_drafts_through_the_registry(news_paths):
    ArticleFactory(title="Draft story")
    PageFactory(title="Draft page")
    snapshot = {"locale": "en", "body": _links("/news/draft-story/", "/draft-page/", "/x/")}
    assert len(rule_check("broken_internal_links", snapshot, {})) == 3
    found = rule_check("broken_internal_links", snapshot, {"allow_drafts": True})
    assert [v.message for v in found] == ["The link /x/ leads to no published page or article."]


def _due_in_days(entry) -> float:
    return (entry.next_review_at - timezone.now()) / timedelta(days=1)


def test_the_review_interval_is_the_types_unless_the_settings_override_it(settings):
    settings.CONTENT_REVIEW_INTERVAL_DAYS = {}
    assert round(_due_in_days(ArticleFactory())) == 180
    assert round(_due_in_days(PageFactory())) == 365
    settings.CONTENT_REVIEW_INTERVAL_DAYS = {"page": 10}
    assert round(_due_in_days(ArticleFactory())) == 180
    assert round(_due_in_days(PageFactory())) == 10


@pytest.fixture
def reloaded_features():
    yield lambda: importlib.reload(features)
    importlib.reload(features)  # as the environment says again


def test_review_interval_variables_name_any_type(monkeypatch, reloaded_features):
    monkeypatch.setenv("REVIEW_INTERVAL_ARTICLE_DAYS", "90")
    monkeypatch.setenv("REVIEW_INTERVAL_PRESS_RELEASE_DAYS", "7")
    intervals = reloaded_features().CONTENT_REVIEW_INTERVAL_DAYS
    assert (intervals["article"], intervals["press_release"]) == (90, 7)


def test_a_revert_keeps_what_the_type_keeps_on_revert(editor):
    article = ArticleFactory(title="First", published_date=date(2024, 1, 1))
    services.entry_update(
        entry=article,
        actor=editor,
        data={"title": "Second", "published_date": date(2024, 6, 1)},
    )
    article = services.revision_revert(
        entry=Article.objects.get(pk=article.pk), actor=editor, number=1
    )
    assert (article.title, article.published_date) == ("First", date(2024, 6, 1))


def test_a_page_revert_leaves_its_place_in_the_tree(editor):
    a, b = PageFactory(title="A"), PageFactory(title="B")
    page = PageFactory(title="Child", parent=a)
    services.page_move(page=page, actor=editor, parent=b)
    services.entry_update(entry=Page.objects.get(pk=page.pk), actor=editor, data={"title": "New"})
    page = services.revision_revert(entry=Page.objects.get(pk=page.pk), actor=editor, number=1)
    assert (page.title, page.parent_id, page.url_path) == ("Child", b.pk, "/b/child/")
