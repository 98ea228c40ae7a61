"""Scheduling a publish is checked when it is scheduled, not only when it comes due.

Workflows (an approved submission for the revision, or a recorded bypass) and blocking
content policies answer at schedule time, through the API, the admin and the services.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from content import services
from content.models import Article, Page, Status
from governance.models import AuditEvent, Workflow, WorkflowBypass
from governance.policies.services import PolicyViolationError
from governance.workflows.services import review_decide, submission_current
from tests.assertions import assert_error
from tests.content.bulk_helpers import bulk_post
from tests.content.factories import ArticleFactory, PageFactory
from tests.governance import workflow_fixtures
from tests.governance.policy_fixtures import banned

pytestmark = pytest.mark.django_db
users = workflow_fixtures.users
client_for = workflow_fixtures.client_for


def _soon(minutes: int = 30) -> str:
    return (timezone.now() + timedelta(minutes=minutes)).isoformat()


def _approved(users, model=ArticleFactory, **kwargs):
    entry = model(owner=users["Author"], **kwargs)
    services.entry_submit(entry=entry, actor=users["Author"])
    review_decide(submission=submission_current(entry), actor=users["Reviewer"], decision="approve")
    return type(entry).objects.get(pk=entry.pk)


def _make_due(entry) -> None:
    type(entry).objects.filter(pk=entry.pk).update(publish_at=timezone.now() - timedelta(seconds=1))


def _schedule_url(entry) -> str:
    kind = "pages" if isinstance(entry, Page) else "articles"
    return f"/api/v1/{kind}/{entry.pk}/schedule/"


def _audits(action: str, entry) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action, target_id=str(entry.pk)).order_by("pk"))


# --- Workflows ------------------------------------------------------------------------------


@pytest.mark.parametrize("model", [ArticleFactory, PageFactory])
def test_scheduling_an_unapproved_item_is_refused_with_a_400(users, client_for, model):
    entry = model(owner=users["Author"])
    response = client_for("Editor").post(
        _schedule_url(entry), {"publish_at": _soon()}, format="json"
    )
    error = assert_error(response, 400, "validation_error")
    message = error["details"]["workflow"][0]
    assert '"Standard review" applies' in message
    assert "schedule it once it is approved" in message
    assert error["message"] == f"workflow: {message}"
    entry = type(entry).objects.get(pk=entry.pk)
    assert (entry.status, entry.publish_at) == (Status.DRAFT, None)
    assert _audits(f"{entry._meta.model_name}.schedule", entry) == []


def test_an_approved_revision_is_scheduled_and_published_when_due(users, client_for):
    article = _approved(users)
    response = client_for("Editor").post(
        _schedule_url(article), {"publish_at": _soon()}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "scheduled"
    _make_due(article)
    assert services.publish_scheduled().published == [("article", article.pk)]
    assert _audits("workflow.bypass", article) == []
    assert not WorkflowBypass.objects.exists()


def test_editing_an_approved_item_before_scheduling_needs_a_new_approval(users, client_for):
    article = _approved(users)
    services.entry_update(entry=article, actor=users["Editor"], data={"title": "Changed"})
    response = client_for("Editor").post(
        _schedule_url(article), {"publish_at": _soon()}, format="json"
    )
    assert "revision 2" in assert_error(response, 400)["details"]["workflow"][0]


def test_a_bypass_holder_schedules_and_the_scheduler_honours_it(users, client_for):
    article = ArticleFactory(owner=users["Author"])
    admin = users["Administrator"]
    response = client_for("Administrator").post(
        _schedule_url(article), {"publish_at": _soon()}, format="json"
    )
    assert response.status_code == 200, response.content
    bypass = WorkflowBypass.objects.get()
    assert (bypass.actor, bypass.transition, bypass.entry) == (admin, "schedule", article)
    assert bypass.revision_id == article.latest_revision_id
    [audited] = _audits("workflow.bypass", article)
    assert audited.actor == admin
    assert audited.metadata["transition"] == "schedule"
    assert audited.metadata["system"] is False
    assert audited.metadata["bypass"] == bypass.pk
    assert "publish_at" in audited.metadata

    _make_due(article)
    assert services.publish_scheduled().published == [("article", article.pk)]
    assert Article.objects.get(pk=article.pk).status == Status.PUBLISHED
    carried = _audits("workflow.bypass", article)[-1]
    assert carried.actor is None
    assert carried.metadata["scheduled"] is True
    assert carried.metadata["granted_by"] == admin.pk
    assert carried.metadata["granted_bypass"] == bypass.pk


def test_a_schedule_bypass_covers_only_that_revision(users):
    article = ArticleFactory(owner=users["Author"])
    soon = timezone.now() + timedelta(minutes=30)
    services.entry_schedule(entry=article, actor=users["Administrator"], publish_at=soon)
    services.entry_update(entry=article, actor=users["Editor"], data={"title": "Edited later"})
    assert Article.objects.get(pk=article.pk).status == Status.SCHEDULED
    _make_due(article)
    run = services.publish_scheduled()
    assert run.published == []
    assert "no approved submission" in run.refused[0][2]
    assert Article.objects.get(pk=article.pk).live_revision is None


def test_a_schedule_bypass_lapses_when_its_giver_loses_the_right(users):
    article = ArticleFactory(owner=users["Author"])
    admin = users["Administrator"]
    soon = timezone.now() + timedelta(minutes=30)
    services.entry_schedule(entry=article, actor=admin, publish_at=soon)
    admin.is_active = False
    admin.save(update_fields=["is_active"])
    _make_due(article)
    assert services.publish_scheduled().published == []
    assert Article.objects.get(pk=article.pk).status == Status.SCHEDULED


def test_an_editor_bypass_attempt_is_refused_and_leaves_no_record(users):
    article = ArticleFactory(owner=users["Author"])
    soon = timezone.now() + timedelta(minutes=30)
    with pytest.raises(ValidationError, match="no approved submission"):
        services.entry_schedule(entry=article, actor=users["Editor"], publish_at=soon)
    assert not WorkflowBypass.objects.exists()
    assert _audits("workflow.bypass", article) == []


def test_the_system_may_schedule_but_the_scheduler_still_needs_an_approval():
    article = ArticleFactory()
    soon = timezone.now() + timedelta(minutes=30)
    services.entry_schedule(entry=article, actor=None, publish_at=soon)
    assert Article.objects.get(pk=article.pk).status == Status.SCHEDULED
    assert not WorkflowBypass.objects.exists()
    _make_due(article)
    assert services.publish_scheduled().published == []


def test_expiry_only_and_clearing_are_not_checked(users, client_for):
    # Published as the system (an audited bypass): no approved submission exists.
    article = ArticleFactory(published=True, owner=users["Author"])
    editor = client_for("Editor")
    response = editor.post(
        _schedule_url(article), {"publish_at": None, "expire_at": _soon()}, format="json"
    )
    assert response.status_code == 200, response.content
    assert Article.objects.get(pk=article.pk).expire_at is not None
    # Nothing new to put live: a publish time on an unchanged live item is not checked.
    response = editor.post(_schedule_url(article), {"publish_at": _soon()}, format="json")
    assert response.status_code == 200, response.content
    draft = ArticleFactory(owner=users["Author"])
    response = editor.post(
        _schedule_url(draft), {"publish_at": None, "expire_at": None}, format="json"
    )
    assert response.status_code == 200, response.content


def test_pending_changes_of_a_live_item_need_an_approval_to_be_scheduled(users, client_for):
    article = ArticleFactory(published=True, owner=users["Author"])
    services.entry_update(entry=article, actor=users["Editor"], data={"title": "Pending"})
    response = client_for("Editor").post(
        _schedule_url(article), {"publish_at": _soon()}, format="json"
    )
    assert "workflow" in assert_error(response, 400)["details"]


def test_with_no_workflow_scheduling_is_not_held_up(users, client_for):
    Workflow.objects.update(is_active=False)
    article = ArticleFactory(owner=users["Author"])
    response = client_for("Editor").post(
        _schedule_url(article), {"publish_at": _soon()}, format="json"
    )
    assert response.status_code == 200, response.content


# --- Permissions and bad input -------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"), [("anonymous", 401), ("Viewer", 403), ("Author", 403), ("Reviewer", 403)]
)
def test_who_may_schedule(users, client_for, who, status):
    article = _approved(users)
    response = client_for(who).post(_schedule_url(article), {"publish_at": _soon()}, format="json")
    assert_error(response, status)
    assert Article.objects.get(pk=article.pk).status == Status.APPROVED


def test_role_is_checked_before_the_workflow(users):
    article = ArticleFactory(owner=users["Author"])
    soon = timezone.now() + timedelta(minutes=30)
    with pytest.raises(PermissionDenied):
        services.entry_schedule(entry=article, actor=users["Author"], publish_at=soon)


@pytest.mark.parametrize(
    "body",
    [
        {"publish_at": "tomorrow"},
        {"publish_at": "2001-01-01T00:00:00Z"},
        {"publish_at": _soon(), "expire_at": _soon(-60)},
        {"publish_at": _soon(), "when": "later"},
    ],
)
def test_bad_input_is_a_400_and_changes_nothing(users, client_for, body):
    article = _approved(users)
    assert_error(client_for("Editor").post(_schedule_url(article), body, format="json"), 400)
    assert Article.objects.get(pk=article.pk).status == Status.APPROVED


# --- Content policies -----------------------------------------------------------------------


def test_a_blocking_policy_refuses_scheduling_and_lists_each_violation(users, client_for):
    article = _approved(users, title="Synergy now")  # approved before the policy existed
    banned(terms=("synergy",))
    response = client_for("Administrator").post(
        _schedule_url(article), {"publish_at": _soon()}, format="json"
    )
    error = assert_error(response, 400)
    [violation] = error["details"]["violations"]
    assert violation["field"] == "title"
    assert violation["rule"] == "banned_terms"
    assert "synergy" in violation["message"].lower()
    assert Article.objects.get(pk=article.pk).status == Status.APPROVED


def test_a_warning_policy_does_not_refuse_scheduling(users, client_for):
    article = _approved(users, title="Synergy now")
    banned(severity="warn", terms=("synergy",))
    response = client_for("Editor").post(
        _schedule_url(article), {"publish_at": _soon()}, format="json"
    )
    assert response.status_code == 200, response.content


def test_an_override_lets_that_revision_be_scheduled_and_published(users, client_for):
    article = _approved(users, title="Synergy now")
    banned(terms=("synergy",))
    url = f"/api/v1/articles/{article.pk}/checks/override/"
    response = client_for("Administrator").post(url, {"reason": "Quoted in a headline."})
    assert response.status_code in (200, 201), response.content
    response = client_for("Editor").post(
        _schedule_url(article), {"publish_at": _soon()}, format="json"
    )
    assert response.status_code == 200, response.content
    applied = _audits("policy.override_applied", article)
    assert [e.metadata["transition"] for e in applied] == ["schedule"]
    _make_due(article)
    assert services.publish_scheduled().published == [("article", article.pk)]


def test_the_system_scheduling_is_held_to_blocking_policies_too():
    Workflow.objects.update(is_active=False)
    banned(terms=("synergy",))
    article = ArticleFactory(title="Synergy")
    with pytest.raises(PolicyViolationError):
        services.entry_schedule(
            entry=article, actor=None, publish_at=timezone.now() + timedelta(hours=1)
        )


# --- Admin ----------------------------------------------------------------------------------


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _admin(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _when() -> dict:
    return {"publish_at_0": "2099-01-01", "publish_at_1": "10:00:00"}


def test_admin_schedule_view_reports_the_refusal(users):
    article = ArticleFactory(owner=users["Author"], title="Not yet reviewed")
    url = reverse("admin:content_article_schedule", args=[article.pk])
    response = _admin(users["Editor"]).post(url, _when(), follow=True)
    assert response.status_code == 200
    assert any(
        "Not yet reviewed" in m and "no approved submission" in m for m in _messages(response)
    ), _messages(response)
    assert Article.objects.get(pk=article.pk).status == Status.DRAFT


def test_admin_bulk_schedule_reports_each_refusal_and_schedules_the_rest(
    users, django_capture_on_commit_callbacks
):
    refused = ArticleFactory(owner=users["Author"], title="Unreviewed")
    approved = _approved(users, title="Reviewed")
    response = bulk_post(
        _admin(users["Editor"]),
        Article,
        "schedule",
        ids=[refused.pk, approved.pk],
        capture=django_capture_on_commit_callbacks,
        **_when(),
    )
    state = response.context["state"]
    assert (state["succeeded"], state["refused"]) == (1, 1)
    [refusal] = state["refusals"]
    assert refusal["title"] == "Unreviewed"
    assert "no approved submission" in " ".join(refusal["reasons"])
    assert Article.objects.get(pk=refused.pk).status == Status.DRAFT
    assert Article.objects.get(pk=approved.pk).status == Status.SCHEDULED
