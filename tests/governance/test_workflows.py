"""Review workflows: submit, review, publish with approval, bypass, the queue, comments."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from content import services
from content.models import Article, Status
from governance.models import (
    AuditEvent,
    Comment,
    Submission,
    SubmissionStatus,
    Workflow,
    WorkflowStep,
)
from governance.workflows.routing import workflow_for
from governance.workflows.services import review_decide, submission_current
from tests.assertions import assert_error
from tests.content.factories import ArticleFactory, PageFactory, make_category
from tests.governance import workflow_fixtures

pytestmark = pytest.mark.django_db
users = workflow_fixtures.users
client_for = workflow_fixtures.client_for


def _submitted(users, **kwargs) -> Article:
    article = ArticleFactory(owner=users["Author"], **kwargs)
    return services.entry_submit(entry=article, actor=users["Author"])


def _actions(entry) -> list[str]:
    return list(
        AuditEvent.objects.filter(target_id=str(entry.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )


def test_standard_review_is_seeded_for_articles_and_pages():
    workflow = Workflow.objects.get(name="Standard review")
    assert workflow.is_active
    assert sorted(workflow.scope_types) == ["article", "page"]
    assert [(s.order, s.role, s.approvals_required) for s in workflow.steps.all()] == [
        (1, "Reviewer", 1)
    ]
    assert workflow_for(ArticleFactory()) == workflow
    assert workflow_for(PageFactory()) == workflow


def test_section_beats_type_and_the_deepest_section_wins():
    parent = PageFactory(title="Legal")
    child = PageFactory(title="Terms", parent=parent)
    outer = Workflow.objects.create(name="Legal section", scope_page=parent)
    inner = Workflow.objects.create(name="Terms section", scope_page=child)
    for workflow in (outer, inner):
        WorkflowStep.objects.create(workflow=workflow, order=1, role="Administrator")
    grandchild = PageFactory(title="Cookies", parent=child)
    assert workflow_for(parent) == outer
    assert workflow_for(grandchild) == inner
    inner.is_active = False
    inner.save()
    assert workflow_for(grandchild) == outer
    Workflow.objects.update(is_active=False)
    assert workflow_for(grandchild) is None


def test_a_category_workflow_covers_its_articles_and_subcategories(users):
    legal = make_category(name="Legal")
    contracts = make_category(name="Contracts", parent=legal)
    sign_off = Workflow.objects.create(name="Legal sign-off", scope_category=legal)
    WorkflowStep.objects.create(workflow=sign_off, order=1, role="Administrator")
    assert workflow_for(ArticleFactory(category=contracts.pk)) == sign_off
    assert workflow_for(ArticleFactory()).name == "Standard review"
    # Submitting opens the section's workflow: a Reviewer cannot decide its step.
    article = _submitted(users, category=legal.pk)
    submission = submission_current(article)
    assert submission.workflow == sign_off
    with pytest.raises(PermissionDenied):
        review_decide(submission=submission, actor=users["Reviewer"], decision="approve")
    review_decide(submission=submission, actor=users["Administrator"], decision="approve")
    assert Article.objects.get(pk=article.pk).status == Status.APPROVED


def test_the_author_hears_of_each_decision_even_when_someone_else_submitted(
    users, django_capture_on_commit_callbacks
):
    article = ArticleFactory(owner=users["Author"], title="Handed in")
    services.entry_submit(entry=article, actor=users["Editor"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        review_decide(
            submission=submission_current(article),
            actor=users["Reviewer"],
            decision="reject",
            comment="Shorter, please.",
        )
    [decided] = mail.outbox
    assert sorted(decided.to) == ["author@example.com", "editor@example.com"]
    assert "Shorter, please." in decided.body


def test_author_submits_reviewer_approves_editor_publishes(
    users, client_for, django_capture_on_commit_callbacks
):
    article = ArticleFactory(owner=users["Author"], title="Launch")
    url = f"/api/v1/articles/{article.pk}/"
    with django_capture_on_commit_callbacks(execute=True):
        assert client_for("Author").post(f"{url}submit/").status_code == 200
    requested = [m for m in mail.outbox if m.subject.startswith("Review requested")]
    assert {r for m in requested for r in m.to} == {"reviewer@example.com", "reviewer2@example.com"}
    submission = submission_current(article)
    assert submission.revision_id == Article.objects.get(pk=article.pk).latest_revision_id

    queue = client_for("Reviewer").get("/api/v1/governance/tasks/").json()
    assert [item["entry"] for item in queue["results"]] == [
        {"type": "article", "id": article.pk, "title": "Launch"}
    ]
    assert client_for("Author").get("/api/v1/governance/tasks/").status_code == 403

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("Reviewer").post(f"{url}approve/", {"message": "Good"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "approved"
    assert [m.to for m in mail.outbox] == [["author@example.com"]]
    assert "approved" in mail.outbox[0].subject

    response = client_for("Editor").post(f"{url}publish/")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "published"
    actions = _actions(article)
    assert actions.index("workflow.submit") < actions.index("workflow.approve")
    assert actions.index("workflow.approve") < actions.index("article.publish")
    approve = AuditEvent.objects.get(action="workflow.approve", target_id=str(article.pk))
    assert approve.actor == users["Reviewer"]
    publish = AuditEvent.objects.get(action="article.publish", target_id=str(article.pk))
    assert publish.actor == users["Editor"]
    assert "workflow.bypass" not in actions


def test_approving_through_the_queue_endpoint(users, client_for):
    article = _submitted(users)
    submission = submission_current(article)
    response = client_for("Reviewer").post(f"/api/v1/governance/tasks/{submission.pk}/approve/")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "approved"
    assert Article.objects.get(pk=article.pk).status == Status.APPROVED
    # Decided and finished: it leaves the queue.
    assert client_for("Reviewer").get("/api/v1/governance/tasks/").json()["results"] == []


def test_no_one_approves_their_own_submission(users, client_for):
    reviewer = users["Reviewer"]
    reviewer.groups.add(users["Author"].groups.get())  # a reviewer who also writes
    article = ArticleFactory(owner=reviewer)
    services.entry_submit(entry=article, actor=reviewer)
    assert client_for("Reviewer").get("/api/v1/governance/tasks/").json()["results"] == []
    assert_error(client_for("Reviewer").post(f"/api/v1/articles/{article.pk}/approve/"), 403)
    submission = submission_current(article)
    assert_error(
        client_for("Reviewer").post(f"/api/v1/governance/tasks/{submission.pk}/approve/"), 404
    )
    with pytest.raises(PermissionDenied):
        review_decide(submission=submission, actor=reviewer, decision="approve")
    # Someone else's item the reviewer happens to own is refused too.
    other = ArticleFactory(owner=reviewer)
    services.entry_submit(entry=other, actor=users["Editor"])
    with pytest.raises(PermissionDenied):
        review_decide(submission=submission_current(other), actor=reviewer, decision="approve")


def test_only_the_steps_role_decides(users, client_for):
    article = _submitted(users)
    # Editors publish; they do not review unless they hold the step's role.
    assert_error(client_for("Editor").post(f"/api/v1/articles/{article.pk}/approve/"), 403)
    assert Article.objects.get(pk=article.pk).status == Status.IN_REVIEW


def test_reject_needs_a_comment_and_sends_the_item_back(
    users, client_for, django_capture_on_commit_callbacks
):
    article = _submitted(users)
    url = f"/api/v1/articles/{article.pk}/reject/"
    error = assert_error(client_for("Reviewer").post(url, {"message": "  "}), 400)
    assert "comment" in error["details"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("Reviewer").post(url, {"message": "Cite your sources."})
    assert response.status_code == 200
    assert response.json()["status"] == "draft"
    assert Submission.objects.get().status == SubmissionStatus.REJECTED
    assert mail.outbox[-1].to == ["author@example.com"]
    assert "Cite your sources." in mail.outbox[-1].body
    assert mail.outbox[-1].subject.startswith("Review rejected")
    assert Comment.objects.get().body == "Rejected: Cite your sources."
    comment = Comment.objects.get()
    assert comment.author == users["Reviewer"]
    assert "Cite your sources." in comment.body


def test_editing_after_submission_means_resubmitting(users, client_for):
    article = _submitted(users)
    review_decide(
        submission=submission_current(article), actor=users["Reviewer"], decision="approve"
    )
    # The approval covers revision N; an edit makes N+1, which nobody approved.
    services.entry_update(
        entry=Article.objects.get(pk=article.pk), actor=users["Editor"], data={"title": "Changed"}
    )
    error = assert_error(client_for("Editor").post(f"/api/v1/articles/{article.pk}/publish/"), 400)
    assert "workflow" in error["details"]
    assert Article.objects.get(pk=article.pk).live_revision is None

    services.entry_submit(entry=Article.objects.get(pk=article.pk), actor=users["Author"])
    review_decide(
        submission=submission_current(article), actor=users["Reviewer"], decision="approve"
    )
    assert client_for("Editor").post(f"/api/v1/articles/{article.pk}/publish/").status_code == 200


def test_editing_while_in_review_cancels_the_open_submission(users):
    article = _submitted(users)
    old = submission_current(article)
    services.entry_update(
        entry=Article.objects.get(pk=article.pk), actor=users["Editor"], data={"title": "New"}
    )
    old.refresh_from_db()
    assert old.status == SubmissionStatus.CANCELLED
    assert submission_current(article) is None
    # Resubmitting pins the new revision; a second submit supersedes the first.
    services.entry_submit(entry=Article.objects.get(pk=article.pk), actor=users["Author"])
    assert submission_current(article).revision.number == old.revision.number + 1


def test_editor_without_approval_is_refused_and_administrator_bypass_is_audited(users, client_for):
    article = ArticleFactory()
    error = assert_error(client_for("Editor").post(f"/api/v1/articles/{article.pk}/publish/"), 400)
    assert "Standard review" in error["details"]["workflow"][0]
    assert not AuditEvent.objects.filter(action="workflow.bypass").exists()

    response = client_for("Administrator").post(f"/api/v1/articles/{article.pk}/publish/")
    assert response.status_code == 200
    bypass = AuditEvent.objects.get(action="workflow.bypass")
    assert bypass.actor == users["Administrator"]
    assert bypass.metadata["system"] is False
    assert not users["Editor"].has_perm("governance.bypass_workflow")


def test_system_publish_bypasses_and_is_audited():
    article = ArticleFactory(published=True)
    bypass = AuditEvent.objects.get(action="workflow.bypass", target_id=str(article.pk))
    assert bypass.actor is None
    assert bypass.metadata["system"] is True


def test_scheduled_publish_needs_an_approved_revision(users):
    article = ArticleFactory(owner=users["Author"])
    soon = timezone.now() + timedelta(minutes=5)
    with pytest.raises(ValidationError, match="no approved submission"):  # refused up front
        services.entry_schedule(entry=article, actor=users["Editor"], publish_at=soon)
    # Scheduled by the system (an import, say): the scheduler still asks for the approval.
    services.entry_schedule(entry=article, actor=None, publish_at=soon)
    later = timezone.now() + timedelta(minutes=10)
    Article.objects.filter(pk=article.pk).update(publish_at=timezone.now() - timedelta(seconds=1))
    run = services.publish_scheduled()
    assert run.published == []
    assert "no approved submission" in run.refused[0][2]
    assert Article.objects.get(pk=article.pk).status == Status.SCHEDULED

    # Approved meanwhile: the next run publishes it (it stays scheduled until then).
    revision = Article.objects.get(pk=article.pk).latest_revision
    Submission.objects.create(
        content_type=ContentType.objects.get_for_model(Article),
        object_id=article.pk,
        revision=revision,
        workflow=Workflow.objects.get(name="Standard review"),
        submitted_by=users["Author"],
        status=SubmissionStatus.APPROVED,
        finished_at=later,
    )
    assert services.publish_scheduled().published == [("article", article.pk)]


def test_multi_step_workflow_counts_approvals_and_advances(
    users, django_capture_on_commit_callbacks
):
    workflow = Workflow.objects.get(name="Standard review")
    workflow.steps.update(approvals_required=2)
    WorkflowStep.objects.create(workflow=workflow, order=2, role="Administrator")
    article = _submitted(users)
    submission = submission_current(article)
    review_decide(submission=submission, actor=users["Reviewer"], decision="approve")
    with pytest.raises(ValidationError):  # one decision per reviewer per step
        review_decide(submission=submission, actor=users["Reviewer"], decision="approve")
    submission.refresh_from_db()
    assert submission.current_step.order == 1
    with django_capture_on_commit_callbacks(execute=True):
        review_decide(submission=submission, actor=users["Reviewer2"], decision="approve")
    submission.refresh_from_db()
    assert submission.current_step.order == 2
    assert any(m.to == ["administrator@example.com"] for m in mail.outbox)
    assert Article.objects.get(pk=article.pk).status == Status.IN_REVIEW
    with pytest.raises(PermissionDenied):  # a Reviewer does not hold step 2's role
        review_decide(submission=submission, actor=users["Reviewer"], decision="approve")
    review_decide(submission=submission, actor=users["Administrator"], decision="approve")
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.APPROVED
    assert Article.objects.get(pk=article.pk).status == Status.APPROVED
    assert "workflow.advance" in _actions(article)


@pytest.mark.parametrize(
    ("method", "path", "data", "wrong_role"),
    [
        ("get", "/api/v1/governance/tasks/", None, "Editor"),
        ("post", "/api/v1/governance/tasks/{sub}/approve/", {}, "Author"),
        ("post", "/api/v1/governance/tasks/{sub}/reject/", {"comment": "x"}, "Viewer"),
        ("post", "/api/v1/governance/workflows/", {"name": "X"}, "Editor"),
        ("patch", "/api/v1/governance/workflows/{wf}/", {"name": "Y"}, "Reviewer"),
        ("delete", "/api/v1/governance/workflows/{wf}/", None, "Editor"),
        ("post", "/api/v1/governance/comments/", {"type": "article", "id": 1}, "Viewer"),
        ("get", "/api/v1/governance/review-links/", None, "Author"),
        ("post", "/api/v1/governance/review-links/", {"type": "article", "id": 1}, "Reviewer"),
        ("post", "/api/v1/governance/review-links/1/revoke/", None, "Author"),
    ],
)
def test_endpoints_refuse_anonymous_and_wrong_roles(
    users, client_for, method, path, data, wrong_role
):
    article = _submitted(users)
    path = path.format(sub=submission_current(article).pk, wf=Workflow.objects.get().pk)
    assert_error(getattr(client_for("anonymous"), method)(path, data, format="json"), 401)
    assert_error(getattr(client_for(wrong_role), method)(path, data, format="json"), 403)


def test_comment_list_needs_an_account(client_for):
    article = ArticleFactory()
    response = client_for("anonymous").get(
        f"/api/v1/governance/comments/?type=article&id={article.pk}"
    )
    assert_error(response, 401)


def test_administrators_configure_workflows(users, client_for):
    admin = client_for("Administrator")
    body = {
        "name": "Legal",
        "content_types": ["page"],
        "steps": [
            {"role": "Reviewer", "approvals_required": 2},
            {"group": "Administrator", "name": "Sign-off"},
        ],
    }
    response = admin.post("/api/v1/governance/workflows/", body, format="json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["content_types"] == ["page"]
    assert [(s["order"], s["role"], s["group"]) for s in created["steps"]] == [
        (1, "Reviewer", None),
        (2, "", "Administrator"),
    ]
    url = f"/api/v1/governance/workflows/{created['id']}/"
    response = admin.patch(url, {"is_active": False}, format="json")
    assert response.json()["is_active"] is False
    assert AuditEvent.objects.filter(action="workflow.update").exists()
    assert_error(
        admin.post("/api/v1/governance/workflows/", {**body, "colour": 1}, format="json"), 400
    )
    bad_step = {**body, "name": "Bad", "steps": [{"role": "Reviewer", "group": "Editor"}]}
    assert_error(admin.post("/api/v1/governance/workflows/", bad_step, format="json"), 400)
    assert admin.delete(url).status_code == 204
    # One with review history is kept: deactivate it instead.
    _submitted(users)
    standard = Workflow.objects.get(name="Standard review")
    assert_error(admin.delete(f"/api/v1/governance/workflows/{standard.pk}/"), 400)
    assert client_for("Viewer").get("/api/v1/governance/workflows/").status_code == 200


def test_threaded_comments(users, client_for):
    article, other = ArticleFactory(), ArticleFactory()
    url = "/api/v1/governance/comments/"
    first = client_for("Reviewer").post(
        url, {"type": "article", "id": article.pk, "body": "Intro is long."}, format="json"
    )
    assert first.status_code == 201, first.content
    reply = client_for("Author").post(
        url,
        {"type": "article", "id": article.pk, "body": "Shortened.", "parent": first.json()["id"]},
        format="json",
    )
    assert reply.status_code == 201
    assert reply.json()["parent"] == first.json()["id"]
    wrong_thread = {"type": "article", "id": other.pk, "body": "x", "parent": first.json()["id"]}
    assert_error(client_for("Author").post(url, wrong_thread, format="json"), 400)
    assert_error(
        client_for("Author").post(url, {"type": "article", "id": article.pk}, format="json"), 400
    )
    listed = client_for("Viewer").get(f"{url}?type=article&id={article.pk}").json()["results"]
    assert [(c["body"], c["parent"]) for c in listed] == [
        ("Intro is long.", None),
        ("Shortened.", first.json()["id"]),
    ]
    assert_error(client_for("Viewer").get(f"{url}?type=thing&id=1"), 400)
    assert AuditEvent.objects.filter(action="comment.create").count() == 2


def test_factory_approved_trait_goes_through_the_workflow(users, client_for):
    article = ArticleFactory(approved=True)
    assert Submission.objects.get().status == SubmissionStatus.APPROVED
    assert client_for("Editor").post(f"/api/v1/articles/{article.pk}/publish/").status_code == 200


# --- Admin and the panel selector -----------------------------------------------------------


def _admin_client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def test_admin_workflow_with_inline_steps_is_saved_through_the_service(users):
    client = _admin_client(users["Administrator"])
    article_type = ContentType.objects.get(app_label="content", model="article")
    data = {
        "name": "Two-person rule",
        "is_active": "on",
        "content_types": [article_type.pk],
        "steps-TOTAL_FORMS": "1",
        "steps-INITIAL_FORMS": "0",
        "steps-MIN_NUM_FORMS": "1",
        "steps-MAX_NUM_FORMS": "1000",
        "steps-0-order": "1",
        "steps-0-name": "Peer",
        "steps-0-role": "Reviewer",
        "steps-0-approvals_required": "2",
    }
    response = client.post("/admin/governance/workflow/add/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    workflow = Workflow.objects.get(name="Two-person rule")
    assert [(s.role, s.approvals_required) for s in workflow.steps.all()] == [("Reviewer", 2)]
    assert AuditEvent.objects.filter(action="workflow.create").exists()
    both = {**data, "name": "Both", "steps-0-group": users["Editor"].groups.get().pk}
    refused = client.post("/admin/governance/workflow/add/", both)
    assert refused.status_code == 200
    assert "Give a role or a group" in refused.content.decode()
    assert not Workflow.objects.filter(name="Both").exists()


def test_admin_review_queue_approves_and_creates_links(users):
    article = _submitted(users, title="Queue item")
    reviewer = _admin_client(users["Reviewer"])
    page = reviewer.get("/admin/governance/submission/?queue=mine")
    assert page.status_code == 200
    assert "Queue item" in page.content.decode()
    assert (
        "Queue item"
        not in _admin_client(users["Editor"])
        .get("/admin/governance/submission/?queue=mine")
        .content.decode()
    )
    submission = submission_current(article)
    editor = _admin_client(users["Editor"])
    response = editor.post(
        "/admin/governance/submission/",
        {"action": "create_review_link", "_selected_action": [submission.pk]},
        follow=True,
    )
    assert "/review/" in response.content.decode()
    response = reviewer.post(
        "/admin/governance/submission/",
        {"action": "approve_selected", "_selected_action": [submission.pk]},
        follow=True,
    )
    assert "Approved 1 submission" in response.content.decode()
    assert Article.objects.get(pk=article.pk).status == Status.APPROVED


def test_workflow_panel_selector(users):
    from governance.workflows.configuration import comment_create
    from governance.workflows.selectors import workflow_state_for

    article = _submitted(users)
    first = comment_create(entry=article, actor=users["Reviewer"], body="Question?")
    comment_create(entry=article, actor=users["Author"], body="Answer.", parent=first)
    state = workflow_state_for(article, users["Reviewer"])
    assert state["workflow"] == "Standard review"
    assert state["submission"]["step"]["approvals"] == 0
    assert state["can_decide"] is True
    assert state["approved_revision_is_latest"] is False
    assert state["comments"][0]["replies"][0]["body"] == "Answer."
    assert workflow_state_for(article, users["Author"])["can_decide"] is False
    review_decide(
        submission=submission_current(article), actor=users["Reviewer"], decision="approve"
    )
    state = workflow_state_for(Article.objects.get(pk=article.pk), users["Reviewer"])
    assert state["approved_revision_is_latest"] is True
    assert state["decisions"][0]["decision"] == "approve"
