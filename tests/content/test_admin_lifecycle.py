"""The change form's lifecycle tools, through the Django test client: trash and restore ask
first and say what goes offline; a save changes only what the editor touched."""

from __future__ import annotations

import pytest
from django.forms import MultiWidget
from django.urls import reverse

from content import services
from content.models import Article, Status
from content.services.revisions import revision_diff
from tests.content.bulk_helpers import bulk_post
from tests.content.factories import ArticleFactory, PageFactory
from tests.content.test_admin import form_data, login, messages_of, url

pytestmark = pytest.mark.django_db


def browser_data(response, **overrides) -> dict:
    """What a browser posts back from the change form: every field as rendered (a date-time
    as its date and time inputs, which carry no microseconds), plus `overrides`."""
    data = form_data(response)
    for bound in response.context["adminform"].form:
        widget = bound.field.widget
        if isinstance(widget, MultiWidget):
            data.pop(bound.name, None)
            parts = widget.get_context(bound.html_name, bound.value(), {})["widget"]["subwidgets"]
            data.update({part["name"]: part["value"] or "" for part in parts})
    return {**data, **overrides}


def _tool(name: str, entry) -> str:
    return reverse(f"admin:content_{entry._meta.model_name}_transition", args=[entry.pk, name])


def test_trash_asks_first_and_says_a_live_item_goes_offline(client, users):
    article = ArticleFactory(title="Front page", published=True)
    login(client, users["Editor"])
    change = client.get(url("article_change", article.pk)).content.decode()
    assert f'href="{_tool("trash", article)}"' in change  # a link to a page, not a POST

    page = client.get(_tool("trash", article))
    assert page.status_code == 200
    assert "is live: it goes offline at once" in page.content.decode()
    assert Article.objects.get(pk=article.pk).deleted_at is None  # asking changed nothing

    response = client.post(_tool("trash", article), follow=True)
    assert any("moved to the trash" in m for m in messages_of(response))
    assert Article.objects.get(pk=article.pk).deleted_at is not None


def test_trashing_a_page_names_the_subpages_that_go_with_it(client, users):
    root = PageFactory(title="About", published=True)
    PageFactory(title="Team", parent=root, published=True)
    PageFactory(title="Jobs", parent=root)
    login(client, users["Editor"])
    page = client.get(_tool("trash", root)).content.decode()
    assert "Its 2 subpage(s) go to the trash with it; 1 of them are live" in page


def test_restore_offers_republish_to_an_editor_and_says_what_each_choice_does(client, users):
    article = ArticleFactory(title="Back", published=True)
    services.entry_trash(entry=article, actor=users["Editor"])
    login(client, users["Editor"])
    change = client.get(url("article_change", article.pk)).content.decode()
    assert f'href="{_tool("restore", article)}"' in change
    page = client.get(_tool("restore", article)).content.decode()
    assert "was live when it was trashed" in page
    assert 'data-choice="republish"' in page
    assert 'data-choice="draft"' in page

    response = client.post(_tool("restore", article), {"republish": "1"}, follow=True)
    assert any("restored and is live again" in m for m in messages_of(response))
    restored = Article.objects.get(pk=article.pk)
    assert (restored.status, restored.deleted_at) == (Status.PUBLISHED, None)


def test_an_author_restores_their_live_item_as_a_draft_and_hears_why(client, users):
    author = users["Author"]
    article = ArticleFactory(title="Mine", owner=author, published=True)
    services.entry_trash(entry=article, actor=users["Editor"])
    login(client, author)
    page = client.get(_tool("restore", article)).content.decode()
    assert 'data-choice="republish"' not in page
    assert "comes back as a draft, offline until it is published again" in page
    assert "permission" in page  # why it cannot go back live

    refused = client.post(_tool("restore", article), {"republish": "1"})
    assert refused.status_code == 200  # the page again, with the refusal
    assert any("permission" in m for m in messages_of(refused))
    assert Article.objects.get(pk=article.pk).deleted_at is not None

    response = client.post(_tool("restore", article), follow=True)
    assert any("restored as a draft" in m for m in messages_of(response))
    assert Article.objects.get(pk=article.pk).status == Status.DRAFT


def test_bulk_trash_and_restore_ask_first(client, users, django_capture_on_commit_callbacks):
    live, draft = ArticleFactory(title="Live one", published=True), ArticleFactory(title="Draft")
    login(client, users["Editor"])
    ids = [live.pk, draft.pk]
    capture = django_capture_on_commit_callbacks
    ask = bulk_post(client, Article, "trash", ids=ids, apply=False)
    assert ask.status_code == 200
    assert "Live items go offline at once" in ask.content.decode()
    assert not Article.objects.filter(deleted_at__isnull=False).exists()
    bulk_post(client, Article, "trash", ids=ids, capture=capture)
    assert Article.objects.filter(deleted_at__isnull=False).count() == 2

    ask = bulk_post(client, Article, "restore", ids=ids, query="trash=only", apply=False)
    assert 'name="republish"' in ask.content.decode()  # an Editor may put them back live
    bulk_post(
        client, Article, "restore", ids=ids, query="trash=only", capture=capture, republish="1"
    )
    live, draft = Article.objects.get(pk=live.pk), Article.objects.get(pk=draft.pk)
    assert (live.status, live.deleted_at) == (Status.PUBLISHED, None)
    assert (draft.status, draft.deleted_at) == (Status.DRAFT, None)


def test_an_editors_save_leaves_the_published_date_they_never_entered(client, users, api_client):
    editor = users["Editor"]
    article = services.entry_publish(entry=ArticleFactory(title="Dated"), actor=editor)
    login(client, editor)
    form = client.get(url("article_change", article.pk))
    assert form.context["adminform"].form["published_date"].value() is None
    response = client.post(
        url("article_change", article.pk), browser_data(form, title="Dated, edited")
    )
    assert response.status_code == 302, response.content[:500]

    saved = Article.objects.get(pk=article.pk)
    assert saved.published_date is None
    changed = revision_diff(old=saved.live_revision, new=saved.latest_revision)
    assert set(changed) == {"title"}  # the only field the editor touched
    # The public still gets a date: the day the article first went live.
    public = api_client.get(f"/api/v1/delivery/articles/{saved.slug}/").json()
    assert public["published_date"] == saved.first_published_at.date().isoformat()


def test_saving_an_untouched_form_changes_nothing(client, users):
    article = ArticleFactory(title="As it was")
    before = Article.objects.get(pk=article.pk)
    login(client, users["Editor"])
    form = client.get(url("article_change", article.pk))
    response = client.post(url("article_change", article.pk), browser_data(form))
    assert response.status_code == 302, response.content[:500]
    after = Article.objects.get(pk=article.pk)
    assert after.latest_revision_id == before.latest_revision_id  # no new revision
    assert (after.version, after.next_review_at) == (before.version, before.next_review_at)
