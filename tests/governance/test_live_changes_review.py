"""Changes to a published item go through the same review, while its live version stays public."""

from __future__ import annotations

import pytest

from content import services
from content.models import Article, Status
from governance.models import Submission, SubmissionStatus, Workflow
from tests.assertions import assert_error
from tests.content.factories import ArticleFactory
from tests.governance import workflow_fixtures

pytestmark = pytest.mark.django_db
users = workflow_fixtures.users
client_for = workflow_fixtures.client_for


def _edited_live_article(users) -> Article:
    article = ArticleFactory(title="Live title", published=True)
    return services.entry_update(entry=article, actor=users["Editor"], data={"title": "Next title"})


def _public_title(client, article) -> str:
    response = client.get(f"/api/v1/delivery/articles/{article.slug}/")
    assert response.status_code == 200, response.content
    return response.json()["title"]


def test_editor_submits_changes_reviewer_approves_editor_publishes(
    users, client_for, django_capture_on_commit_callbacks
):
    article = _edited_live_article(users)
    url = f"/api/v1/articles/{article.pk}/"
    anonymous = client_for("anonymous")
    # Without an approval of the new revision, the Editor cannot publish it.
    assert_error(client_for("Editor").post(f"{url}publish/"), 400)

    response = client_for("Editor").post(f"{url}submit/")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "published"  # still live while in review
    submission = Submission.objects.get(status=SubmissionStatus.IN_PROGRESS)
    assert submission.revision_id == Article.objects.get(pk=article.pk).latest_revision_id
    assert _public_title(anonymous, article) == "Live title"

    queue = client_for("Reviewer").get("/api/v1/governance/tasks/").json()["results"]
    assert [item["entry"]["id"] for item in queue] == [article.pk]
    response = client_for("Reviewer").post(f"{url}approve/", {"message": "Fine"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "published"
    assert Submission.objects.get().status == SubmissionStatus.APPROVED
    assert _public_title(anonymous, article) == "Live title"

    with django_capture_on_commit_callbacks(execute=True):  # the cache purge waits for commit
        response = client_for("Editor").post(f"{url}publish/")
    assert response.status_code == 200, response.content
    assert _public_title(anonymous, article) == "Next title"


def test_rejected_changes_stay_unpublished_and_the_item_stays_live(users, client_for):
    article = _edited_live_article(users)
    url = f"/api/v1/articles/{article.pk}/"
    assert client_for("Editor").post(f"{url}submit/").status_code == 200
    assert_error(client_for("Reviewer").post(f"{url}reject/", {"message": ""}), 400)

    response = client_for("Reviewer").post(f"{url}reject/", {"message": "Keep the old title."})
    assert response.status_code == 200, response.content
    article.refresh_from_db()
    assert (article.status, article.has_unpublished_changes) == (Status.PUBLISHED, True)
    assert Submission.objects.get().status == SubmissionStatus.REJECTED
    assert _public_title(client_for("anonymous"), article) == "Live title"
    assert_error(client_for("Editor").post(f"{url}publish/"), 400)


def test_nothing_to_submit_or_review_without_changes_or_a_workflow(users, client_for):
    article = ArticleFactory(published=True)
    url = f"/api/v1/articles/{article.pk}/"
    # Published with no pending changes: nothing to submit or approve.
    assert_error(client_for("Editor").post(f"{url}submit/"), 400)
    assert_error(client_for("Reviewer").post(f"{url}approve/"), 400)

    edited = _edited_live_article(users)
    edited_url = f"/api/v1/articles/{edited.pk}/"
    # In a workflow, but not submitted: a Reviewer has nothing open to approve.
    assert_error(client_for("Reviewer").post(f"{edited_url}approve/"), 400)
    Workflow.objects.update(is_active=False)
    # No workflow applies: the changes are simply published, not reviewed.
    error = assert_error(client_for("Editor").post(f"{edited_url}submit/"), 400)
    assert "publish its changes directly" in str(error)
    assert_error(client_for("Reviewer").post(f"{edited_url}approve/"), 400)
    assert client_for("Editor").post(f"{edited_url}publish/").status_code == 200


def test_authors_cannot_submit_a_live_item(users, client_for):
    article = _edited_live_article(users)
    Article.objects.filter(pk=article.pk).update(owner=users["Author"])
    response = client_for("Author").post(f"/api/v1/articles/{article.pk}/submit/")
    assert response.status_code == 403


def test_admin_offers_submit_then_approve_on_live_changes(users, client):
    article = _edited_live_article(users)
    change_url = f"/admin/content/article/{article.pk}/change/"
    client.force_login(users["Editor"])
    page = client.get(change_url).content.decode()
    assert "Submit for review" in page
    services.entry_submit(entry=article, actor=users["Editor"])

    client.force_login(users["Reviewer"])
    page = client.get(change_url).content.decode()
    assert ">Approve<" in page or "Approve</" in page
    client.force_login(users["Editor"])
    page = client.get(change_url).content.decode()
    assert "Approve</" not in page  # the Editor submitted it, and is not on the step
