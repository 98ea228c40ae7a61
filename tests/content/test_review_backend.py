"""The review backend (content.review): one owner for the review decision.

Content calls the registered backend; the backend writes the outcome through
`lifecycle.review_outcome_apply` once, and nothing calls back into the backend.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from content import hooks, review, services
from content.models import Status
from content.services import checks, lifecycle
from governance.models import AuditEvent, Workflow
from tests.assertions import assert_error
from tests.content.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def events(entry, action: str) -> int:
    return AuditEvent.objects.filter(action=action, target_id=str(entry.pk)).count()


@pytest.fixture
def use_backend():
    """use_backend(backend) registers `backend` for the test; the previous one comes back."""
    replaced = []

    def use(backend: review.ReviewBackend) -> review.ReviewBackend:
        replaced.append(review.register_backend(backend))
        return backend

    yield use
    for previous in reversed(replaced):
        review.register_backend(previous)


@pytest.fixture(params=["plain", "governance, no workflow applies"])
def no_workflow(request, use_backend):
    """Both setups without a workflow: content's plain review registered on its own, and
    governance's backend with every workflow inactive (content's conftest)."""
    if request.param == "plain":
        use_backend(review.ReviewBackend())
    else:
        assert type(review.backend()).__name__ == "WorkflowReviewBackend"
    return request.param


class RecordingBackend(review.ReviewBackend):
    """Records what content asks; writes the outcome unless a step is still to come."""

    def __init__(self, *, final: bool = True, refusal: Exception | None = None) -> None:
        self.final, self.refused = final, refusal
        self.decisions: list[tuple[int, object, str, str]] = []
        self.writes = 0

    def applies(self, entry):
        return True

    def start(self, *, entry, actor, revision):
        return True

    def refusal(self, *, entry, actor, decision):
        return self.refused

    def decide(self, *, entry, actor, decision, message):
        self.decisions.append((entry.pk, actor, decision, message))
        if self.final:
            self.writes += 1
            lifecycle.review_outcome_apply(
                entry=entry, actor=actor, decision=decision, message=message
            )


# --- The plain review ---------------------------------------------------------------------


def test_plain_review_approves_and_rejects_by_contents_rules(no_workflow, users):
    reviewer = users["Reviewer"]
    article = ArticleFactory(in_review=True)
    with pytest.raises(PermissionDenied):
        services.entry_approve(entry=article, actor=users["Author"])
    approved = services.entry_approve(entry=article, actor=reviewer, message="Fine")
    assert (approved.status, approved.version) == (Status.APPROVED, article.version + 1)
    assert events(article, "article.approve") == 1
    with pytest.raises(ValidationError, match="must be in review"):
        services.entry_approve(entry=approved, actor=reviewer)

    other = ArticleFactory(in_review=True)
    with pytest.raises(ValidationError) as refused:
        services.entry_reject(entry=other, actor=reviewer, message="  ")
    assert refused.value.message_dict == {"message": ["A rejection needs a comment."]}
    other.refresh_from_db()
    assert other.status == Status.IN_REVIEW
    assert events(other, "article.reject") == 0
    rejected = services.entry_reject(entry=other, actor=reviewer, message="Reword it.")
    assert rejected.status == Status.DRAFT
    assert events(other, "article.reject") == 1


def test_plain_review_has_nothing_to_review_a_live_items_changes_against(no_workflow, users):
    article = ArticleFactory(published=True)
    article = services.entry_update(entry=article, actor=users["Editor"], data={"title": "New"})
    assert article.has_unpublished_changes
    with pytest.raises(ValidationError) as submit:
        services.entry_submit(entry=article, actor=users["Editor"])
    assert submit.value.message_dict == {"status": [checks.NO_WORKFLOW]}
    for actor in (users["Reviewer"], None):  # the system is refused by `decide`, not the check
        with pytest.raises(ValidationError) as approve:
            services.entry_approve(entry=article, actor=actor)
        assert approve.value.message_dict == {"status": [checks.NO_OPEN_REVIEW]}
    assert events(article, "article.approve") == 0


# --- A registered backend owns the decision -----------------------------------------------


@pytest.mark.parametrize("actor", ["Reviewer", None])
def test_the_backend_gets_the_decision_once_and_content_writes_once(use_backend, users, actor):
    backend = use_backend(RecordingBackend())
    actor = users[actor] if actor else None
    article = ArticleFactory(in_review=True)
    changed = []
    hooks.entry_changed.connect(
        lambda sender, entry_id, action, **kw: changed.append(action),
        weak=False,
        dispatch_uid="test-review-changed",
    )
    try:
        approved = services.entry_approve(entry=article, actor=actor, message="Fine")
    finally:
        hooks.entry_changed.disconnect(dispatch_uid="test-review-changed")
    assert backend.decisions == [(article.pk, actor, "approve", "Fine")]
    assert backend.writes == 1
    assert changed == ["approve"]
    assert events(article, "article.approve") == 1
    assert (approved.status, approved.version) == (Status.APPROVED, article.version + 1)


def test_a_decision_without_an_outcome_writes_nothing(use_backend, users):
    """A workflow step that needs more approvals records the decision; the item stays."""
    backend = use_backend(RecordingBackend(final=False))
    article = ArticleFactory(in_review=True)
    same = services.entry_approve(entry=article, actor=users["Reviewer"])
    assert len(backend.decisions) == 1
    assert (same.status, same.version) == (Status.IN_REVIEW, article.version)
    assert events(article, "article.approve") == 0


def test_the_backend_owns_a_live_items_changes(use_backend, users):
    backend = use_backend(RecordingBackend())
    article = ArticleFactory(published=True)
    article = services.entry_update(entry=article, actor=users["Editor"], data={"title": "New"})
    services.entry_submit(entry=article, actor=users["Editor"])
    approved = services.entry_approve(entry=article, actor=users["Reviewer"])
    assert len(backend.decisions) == 1
    assert (approved.status, approved.has_unpublished_changes) == (Status.PUBLISHED, True)
    assert events(article, "article.approve") == 1


@pytest.mark.parametrize(
    ("refusal", "status"),
    [(ValidationError, 400), (PermissionDenied, 403)],
)
def test_a_backends_refusal_reaches_the_caller(use_backend, users, client_for, refusal, status):
    backend = use_backend(RecordingBackend(refusal=refusal("Not your step.")))
    article = ArticleFactory(in_review=True)
    assert not checks.allowed(checks.approve_check, users["Reviewer"], article)  # not offered
    url = f"/api/v1/articles/{article.pk}/"
    for verb in ("approve", "reject"):
        error = assert_error(client_for("Reviewer").post(f"{url}{verb}/", {"message": "x"}), status)
        assert error["message"] == "Not your step."
    assert backend.decisions == []
    article.refresh_from_db()
    assert article.status == Status.IN_REVIEW


def test_a_backends_publish_rules_reach_the_caller(use_backend, users, client_for):
    class ApprovalFirst(review.ReviewBackend):
        def publish_refusal(self, *, entry, actor, revision):
            return ValidationError({"workflow": ["Approve it first."]})

        def on_publish(self, *, entry, actor, revision, scheduled):
            raise ValidationError({"workflow": ["Approve it first."]})

    use_backend(ApprovalFirst())
    article = ArticleFactory()
    assert not checks.allowed(checks.publish_check, users["Editor"], article)
    response = client_for("Editor").post(f"/api/v1/articles/{article.pk}/publish/")
    assert assert_error(response, 400)["details"] == {"workflow": ["Approve it first."]}
    with pytest.raises(ValidationError, match="Approve it first"):
        services.entry_publish(entry=article, actor=None)  # the system: on_publish still binds
    article.refresh_from_db()
    assert (article.status, article.live_revision_id) == (Status.DRAFT, None)


# --- Governance's workflows, through the same path ----------------------------------------


def test_a_workflow_approval_goes_through_the_backend_once(users, monkeypatch):
    from governance.workflows import services as workflows

    Workflow.objects.filter(name="Standard review").update(is_active=True)
    backend = review.backend()
    decided, written = [], []
    decide, write = backend.decide, workflows.review_outcome_apply
    monkeypatch.setattr(backend, "decide", lambda **kw: decided.append(kw) or decide(**kw))
    monkeypatch.setattr(
        workflows, "review_outcome_apply", lambda **kw: written.append(kw) or write(**kw)
    )
    article = ArticleFactory(owner=users["Author"])
    services.entry_submit(entry=article, actor=users["Author"])
    approved = services.entry_approve(entry=article, actor=users["Reviewer"], message="Good")
    assert approved.status == Status.APPROVED
    assert len(decided) == len(written) == 1
    assert events(article, "workflow.approve") == events(article, "article.approve") == 1
