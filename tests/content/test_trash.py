"""The trash: what goes offline, what a restore brings back, and republishing what was live.

Content's own rules here (no workflow is active in tests/content); how a workflow and
blocking policies bear on a republish is in tests/governance/test_trash_restore.py.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from content import services
from content.models import Article, Page, Revision, Status
from content.services.revisions import revisions_purge
from governance.models import AuditEvent
from tests.content.factories import ArticleFactory, PageFactory

pytestmark = pytest.mark.django_db
DELIVERY = "/api/v1/delivery/articles/"


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    def run(fn, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(**kwargs)

    return run


def _public_title(api_client, slug: str) -> str | None:
    response = api_client.get(f"{DELIVERY}{slug}/")
    return response.json()["title"] if response.status_code == 200 else None


def _restore_event(article) -> AuditEvent:
    return AuditEvent.objects.filter(action="article.restore", target_id=str(article.pk)).get()


def test_restoring_a_trashed_live_article_as_a_draft_keeps_it_offline(
    editor, api_client, on_commit
):
    article = ArticleFactory(title="Was live", published=True)
    live = article.live_revision_id
    on_commit(services.entry_trash, entry=article, actor=editor)
    trashed = Article.objects.get(pk=article.pk)
    assert (trashed.live_revision_id, trashed.trashed_live_revision_id) == (None, live)
    assert _public_title(api_client, article.slug) is None

    restored = on_commit(services.entry_restore, entry=trashed, actor=editor)
    restored = Article.objects.get(pk=restored.pk)
    assert (restored.status, restored.live_revision_id) == (Status.DRAFT, None)
    assert restored.trashed_live_revision_id is None  # nothing left to put back later
    assert _public_title(api_client, article.slug) is None
    assert _restore_event(article).metadata["republished"] is False


def test_restore_and_republish_puts_the_live_revision_back_live(editor, api_client, on_commit):
    article = ArticleFactory(title="Was live", published=True)
    live = article.live_revision_id
    on_commit(services.entry_trash, entry=article, actor=editor)

    on_commit(services.entry_restore, entry=article, actor=editor, republish=True)
    restored = Article.objects.get(pk=article.pk)
    assert (restored.status, restored.live_revision_id) == (Status.PUBLISHED, live)
    assert (restored.deleted_at, restored.has_unpublished_changes) == (None, False)
    assert _public_title(api_client, article.slug) == "Was live"
    event = _restore_event(article)
    assert event.metadata["republished"] is True
    assert event.actor_id == editor.pk
    publish = AuditEvent.objects.filter(action="article.publish", actor=editor).get()
    assert publish.metadata["revision"] == Revision.objects.get(pk=live).number


def test_republish_puts_back_what_was_live_not_the_later_draft(editor, api_client, on_commit):
    article = ArticleFactory(title="Live title", published=True)
    services.entry_update(entry=article, actor=editor, data={"title": "Unpublished edit"})
    on_commit(services.entry_trash, entry=article, actor=editor)
    on_commit(services.entry_restore, entry=article, actor=editor, republish=True)
    restored = Article.objects.get(pk=article.pk)
    assert restored.title == "Unpublished edit"  # the draft is still the draft
    assert restored.has_unpublished_changes
    assert restored.live_revision_id != restored.latest_revision_id
    assert _public_title(api_client, article.slug) == "Live title"


def test_republish_needs_the_publish_permission_and_something_that_was_live(users, editor):
    author = users["Author"]
    live = ArticleFactory(owner=author, published=True)
    services.entry_trash(entry=live, actor=editor)
    with pytest.raises(PermissionDenied):
        services.entry_restore(entry=live, actor=author, republish=True)
    assert Article.objects.get(pk=live.pk).deleted_at is not None  # nothing changed
    services.entry_restore(entry=live, actor=author)  # as a draft: theirs to restore
    assert Article.objects.get(pk=live.pk).status == Status.DRAFT

    draft = ArticleFactory()
    services.entry_trash(entry=draft, actor=editor)
    with pytest.raises(ValidationError, match="was live"):
        services.entry_restore(entry=draft, actor=editor, republish=True)


def test_republish_is_refused_when_the_address_was_taken_meanwhile(editor):
    article = ArticleFactory(title="Taken", published=True)
    services.entry_trash(entry=article, actor=editor)
    ArticleFactory(title="Taken")  # takes the slug while the first is in the trash
    with pytest.raises(ValidationError, match="address"):
        services.entry_restore(entry=article, actor=editor, republish=True)
    restored = services.entry_restore(entry=article, actor=editor)  # as a draft, renamed
    assert restored.slug == "taken-2"
    assert restored.live_revision_id is None


def test_a_page_comes_back_live_with_the_live_subpages_trashed_with_it(editor, on_commit):
    root = PageFactory(title="About", published=True)
    team = PageFactory(title="Team", parent=root, published=True)
    draft = PageFactory(title="Jobs", parent=root)
    on_commit(services.entry_trash, entry=root, actor=editor)
    on_commit(services.entry_restore, entry=root, actor=editor, republish=True)
    root, team, draft = (Page.objects.get(pk=p.pk) for p in (root, team, draft))
    assert (root.status, team.status, draft.status) == (Status.PUBLISHED,) * 2 + (Status.DRAFT,)
    assert (team.url_path, team.is_live, draft.is_live) == ("/about/team/", True, False)


def test_the_revision_to_republish_survives_a_purge(editor):
    article = ArticleFactory(published=True)
    live = article.live_revision_id
    for n in range(3):
        services.entry_update(entry=article, actor=editor, data={"title": f"Edit {n}"})
    services.entry_trash(entry=article, actor=editor)
    revisions_purge(keep=1, older_than_days=0)
    assert Revision.objects.filter(pk=live).exists()
    services.entry_restore(entry=article, actor=editor, republish=True)
    assert Article.objects.get(pk=article.pk).live_revision_id == live
