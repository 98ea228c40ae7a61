"""Restoring a trashed live item, through the API and the admin, under the seeded workflow.

"Restore and republish" is a publish of the revision that was live: the workflow must
have approved it (or the actor holds bypass_workflow), blocking policies still block,
and a user who may not publish is refused (403).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from content import services
from content.models import Article, Status
from governance.models import AuditEvent, WorkflowBypass
from tests.assertions import assert_error
from tests.content.factories import ArticleFactory
from tests.governance import workflow_fixtures
from tests.governance.policy_fixtures import banned

pytestmark = pytest.mark.django_db
users = workflow_fixtures.users
client_for = workflow_fixtures.client_for
admin_for = workflow_fixtures.admin_for


def _trashed(users, **kwargs) -> Article:
    """A live article, approved through the workflow unless `approved=False`, then trashed."""
    kwargs.setdefault("approved", True)
    article = ArticleFactory(published=True, **kwargs)
    services.entry_trash(entry=article, actor=users["Editor"])
    return Article.objects.get(pk=article.pk)


def _restore(client, article, body=None):
    return client.post(f"/api/v1/articles/{article.pk}/restore/", body or {}, format="json")


def test_api_restore_with_republish_brings_the_approved_live_revision_back(
    users, client_for, django_capture_on_commit_callbacks
):
    article = _trashed(users, title="Back again")
    with django_capture_on_commit_callbacks(execute=True):
        response = _restore(client_for("Editor"), article, {"republish": True})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["deleted_at"]) == ("published", None)
    assert body["live_revision"] == body["latest_revision"]
    public = client_for("anonymous").get(f"/api/v1/delivery/articles/{article.slug}/")
    assert public.status_code == 200
    assert public.json()["title"] == "Back again"
    event = AuditEvent.objects.get(action="article.restore", target_id=str(article.pk))
    assert event.metadata["republished"] is True


def test_api_restore_without_republish_is_a_draft(users, client_for):
    article = _trashed(users)
    assert (
        client_for("Editor").get(f"/api/v1/articles/{article.pk}/").json()["trashed_live_revision"]
        == Article.objects.get(pk=article.pk).trashed_live_revision.number
    )
    response = _restore(client_for("Editor"), article)
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["live_revision"]) == ("draft", None)
    event = AuditEvent.objects.get(action="article.restore", target_id=str(article.pk))
    assert event.metadata["republished"] is False


def test_api_republish_is_403_for_someone_who_may_not_publish(users, client_for):
    article = _trashed(users, owner=users["Author"])
    assert_error(_restore(client_for("Author"), article, {"republish": True}), 403)
    assert Article.objects.get(pk=article.pk).deleted_at is not None
    assert _restore(client_for("Author"), article).status_code == 200  # theirs, as a draft


def test_api_republish_is_400_listing_violations_under_a_blocking_policy(users, client_for):
    article = _trashed(users, title="A class apart")
    banned()  # adopted while the article was in the trash
    error = assert_error(_restore(client_for("Editor"), article, {"republish": True}), 400)
    assert error["details"]["violations"][0]["rule"] == "banned_terms"
    assert Article.objects.get(pk=article.pk).deleted_at is not None  # the restore rolled back


def test_republishing_an_unapproved_revision_needs_a_bypass(users, client_for):
    article = _trashed(users, approved=False)  # published by the system, never reviewed
    error = assert_error(_restore(client_for("Editor"), article, {"republish": True}), 400)
    assert "no approved submission" in str(error["details"])
    response = _restore(client_for("Administrator"), article, {"republish": True})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "published"
    assert WorkflowBypass.objects.filter(actor=users["Administrator"]).exists()


def test_api_restore_refuses_bad_input(users, client_for):
    article = _trashed(users)
    assert_error(_restore(client_for("Editor"), article, {"republish": "maybe"}), 400)
    assert_error(_restore(client_for("Editor"), article, {"republished": True}), 400)
    assert Article.objects.get(pk=article.pk).deleted_at is not None


def test_the_schema_documents_republish(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/articles/{id}/restore/"]["post"]
    ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    component = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert component["properties"]["republish"]["type"] == "boolean"
    assert {"400", "403"} <= set(operation["responses"])


# --- The admin's restore page --------------------------------------------------------------


def _restore_page(client, article):
    return client.get(reverse("admin:content_article_transition", args=[article.pk, "restore"]))


def test_admin_offers_republish_only_where_it_would_succeed(users, admin_for):
    approved = _trashed(users, title="Approved")
    unreviewed = _trashed(users, title="Unreviewed", approved=False)
    editor = admin_for("Editor")
    page = _restore_page(editor, approved).content.decode()
    assert 'data-choice="republish"' in page
    page = _restore_page(editor, unreviewed).content.decode()
    assert 'data-choice="republish"' not in page
    assert "no approved submission" in page  # says why it comes back as a draft
    assert 'data-choice="draft"' in page
    page = _restore_page(admin_for("Administrator"), unreviewed).content.decode()
    assert 'data-choice="republish"' in page  # a bypass holder may

    url = reverse("admin:content_article_transition", args=[approved.pk, "restore"])
    response = editor.post(url, {"republish": "1"}, follow=True)
    assert response.redirect_chain, response.content[:300]
    approved.refresh_from_db()
    assert (approved.status, approved.deleted_at) == (Status.PUBLISHED, None)
