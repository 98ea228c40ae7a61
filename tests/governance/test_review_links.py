"""Review links: an outside person reviews a draft through a signed, expiring, revocable URL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from content import services
from content.models import Article, Status
from governance.models import AuditEvent, ReviewLink, ReviewTask, SubmissionStatus
from governance.workflows.review_links import review_link_create
from governance.workflows.services import review_decide, submission_current
from tests.assertions import assert_error
from tests.content.factories import ArticleFactory
from tests.governance import workflow_fixtures

pytestmark = pytest.mark.django_db
users = workflow_fixtures.users
client_for = workflow_fixtures.client_for

BODY = [
    {"type": "paragraph", "value": {"text": "Quarterly numbers <b>look</b> good."}},
]


def _submitted(users, **kwargs) -> Article:
    article = ArticleFactory(owner=users["Author"], body=BODY, **kwargs)
    return services.entry_submit(entry=article, actor=users["Author"])


def _create(client_for, article, **extra) -> dict:
    response = client_for("Editor").post(
        "/api/v1/governance/review-links/",
        {"type": "article", "id": article.pk, "reviewer_email": "ext@example.org", **extra},
        format="json",
    )
    assert response.status_code == 201, response.content
    return response.json()


def _path(url: str) -> str:
    return url.split("testserver", 1)[1]


def test_outside_reviewer_approves_through_the_link(
    users, client_for, django_capture_on_commit_callbacks
):
    article = _submitted(users, title="Q3 report")
    link = _create(client_for, article)
    assert link["url"].startswith("http://testserver/review/")
    assert link["state"] == "active"
    # The URL is shown once: listing never returns it, and only a hash is stored.
    listed = client_for("Editor").get("/api/v1/governance/review-links/").json()["results"]
    assert "url" not in listed[0]
    token = link["url"].rstrip("/").rsplit("/", 1)[1]
    assert token not in ReviewLink.objects.get().token_hash

    outsider = Client(enforce_csrf_checks=True)
    page = outsider.get(_path(link["url"]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Q3 report" in html
    assert "Quarterly numbers" in html
    assert page["Cache-Control"] == "no-store, private"
    assert page["Referrer-Policy"] == "no-referrer"
    csrf = outsider.cookies["csrftoken"].value

    with django_capture_on_commit_callbacks(execute=True):
        done = outsider.post(
            _path(link["url"]),
            {"name": "Dana Outside", "comment": "Fine by legal.", "decision": "approve"},
            HTTP_X_CSRFTOKEN=csrf,
        )
    assert done.status_code == 200, done.content
    assert Article.objects.get(pk=article.pk).status == Status.APPROVED
    task = ReviewTask.objects.get()
    assert (task.reviewer, task.external_name, task.decision) == (None, "Dana Outside", "approve")
    assert mail.outbox[-1].to == ["author@example.com"]
    assert "Dana Outside" in mail.outbox[-1].body
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))
    for action in (
        "review_link.create",
        "review_link.view",
        "workflow.approve",
        "review_link.decide",
    ):
        assert action in actions
    # One decision per link: it is used now.
    assert outsider.get(_path(link["url"])).status_code == 404
    # And the Editor may publish what was approved.
    assert client_for("Editor").post(f"/api/v1/articles/{article.pk}/publish/").status_code == 200


def test_the_form_is_csrf_protected(users, client_for):
    link = _create(client_for, _submitted(users))
    outsider = Client(enforce_csrf_checks=True)
    response = outsider.post(_path(link["url"]), {"name": "X", "decision": "approve"})
    assert response.status_code == 403
    assert submission_current(Article.objects.get()).status == SubmissionStatus.IN_PROGRESS


def test_rejecting_through_the_link_needs_a_comment(users, client_for):
    article = _submitted(users)
    path = _path(_create(client_for, article)["url"])
    outsider = Client()
    refused = outsider.post(path, {"name": "Dana", "comment": "", "decision": "reject"})
    assert refused.status_code == 400
    assert "A rejection needs a comment." in refused.content.decode()
    no_name = outsider.post(path, {"name": " ", "comment": "x", "decision": "approve"})
    assert no_name.status_code == 400
    done = outsider.post(path, {"name": "Dana", "comment": "Wrong figures.", "decision": "reject"})
    assert done.status_code == 200
    assert Article.objects.get(pk=article.pk).status == Status.DRAFT


def test_expired_revoked_and_forged_links_are_refused(users, client_for):
    article = _submitted(users)
    expired = _create(client_for, article)
    ReviewLink.objects.filter(pk=expired["id"]).update(expires_at=timezone.now())
    assert Client().get(_path(expired["url"])).status_code == 404

    revoked = _create(client_for, article)
    response = client_for("Editor").post(f"/api/v1/governance/review-links/{revoked['id']}/revoke/")
    assert response.status_code == 200
    assert response.json()["state"] == "revoked"
    assert AuditEvent.objects.filter(action="review_link.revoke").exists()
    assert Client().get(_path(revoked["url"])).status_code == 404
    post = Client().post(_path(revoked["url"]), {"name": "X", "decision": "approve"})
    assert post.status_code == 404
    assert_error(
        client_for("Editor").post(f"/api/v1/governance/review-links/{revoked['id']}/revoke/"), 400
    )

    forged = _path(revoked["url"]).replace("/review/", "/review/x")
    assert Client().get(forged).status_code == 404
    assert Client().get("/review/not-a-token/").status_code == 404
    assert submission_current(article).status == SubmissionStatus.IN_PROGRESS


def test_a_link_closes_when_the_review_ends_another_way(users, client_for):
    article = _submitted(users)
    link = _create(client_for, article)
    review_decide(
        submission=submission_current(article), actor=users["Reviewer"], decision="approve"
    )
    assert Client().get(_path(link["url"])).status_code == 404


def test_an_outside_approval_counts_as_one_approval_of_the_step(users, client_for):
    from governance.models import Workflow

    Workflow.objects.get().steps.update(approvals_required=2)
    article = _submitted(users)
    path = _path(_create(client_for, article)["url"])
    Client().post(path, {"name": "Dana", "comment": "", "decision": "approve"})
    assert Article.objects.get(pk=article.pk).status == Status.IN_REVIEW
    review_decide(
        submission=submission_current(article), actor=users["Reviewer"], decision="approve"
    )
    assert Article.objects.get(pk=article.pk).status == Status.APPROVED


def test_links_need_an_open_submission_that_is_not_the_creators(users, client_for):
    draft = ArticleFactory(owner=users["Author"])
    response = client_for("Editor").post(
        "/api/v1/governance/review-links/", {"type": "article", "id": draft.pk}, format="json"
    )
    assert_error(response, 400)
    own = ArticleFactory(owner=users["Editor"])
    services.entry_submit(entry=own, actor=users["Editor"])
    with pytest.raises(Exception, match="own submission"):
        review_link_create(entry=own, actor=users["Editor"])
    too_long = (timezone.now() + timedelta(days=31)).isoformat()
    response = client_for("Editor").post(
        "/api/v1/governance/review-links/",
        {"type": "article", "id": _submitted(users).pk, "expires_at": too_long},
        format="json",
    )
    assert_error(response, 400)
    response = client_for("Editor").post(
        "/api/v1/governance/review-links/",
        {"type": "article", "id": draft.pk, "token": "mine"},
        format="json",
    )
    assert_error(response, 400)


def test_the_preview_escapes_the_title(users, client_for):
    article = _submitted(users, title="<script>alert(1)</script>")
    page = Client().get(_path(_create(client_for, article)["url"]))
    assert "<script>alert(1)</script>" not in page.content.decode()
    assert "&lt;script&gt;" in page.content.decode()
