"""Review workflows: submit and decide.

Content owns the item's status; governance owns the review, as content's review backend
(governance.workflows.backend, registered in GovernanceConfig.ready). The flow:
- `entry_submit` asks the backend to start a review: `submission_start` pins the exact
  revision submitted and supersedes any open submission.
- `review_decide` is the one place a review decision is made (API queue, admin, review
  links, and content's own approve/reject, which hand it over through the backend's
  `decide`). When the last step is approved, or a step is rejected, it writes the item's
  status once through content's `review_outcome_apply`: one status write path.
- Publishing and scheduling need the approval of exactly that revision, or an audited
  bypass (governance.workflows.publishing). Which workflow applies, and who holds a step:
  governance.workflows.routing; a reviewer's queue: governance.workflows.selectors.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_record
from content.services.lifecycle import review_outcome_apply
from governance.models import (
    Comment,
    Decision,
    ReviewTask,
    Submission,
    SubmissionStatus,
)
from governance.workflows.notify import notify_decision, notify_step
from governance.workflows.routing import (
    REVIEW_PERM,
    entry_filter,
    first_step,
    holds_step,
    next_step,
    step_reviewers,
    workflow_for,
)

PAST = {Decision.APPROVE: "Approved", Decision.REJECT: "Rejected"}


# --- Submissions --------------------------------------------------------------------------


def submission_current(entry: Any) -> Submission | None:
    """The open submission of an item, if any."""
    return (
        Submission.objects.filter(**entry_filter(entry), status=SubmissionStatus.IN_PROGRESS)
        .select_related("current_step", "revision", "workflow")
        .first()
    )


def _cancel_open(entry: Any, actor: Any, reason: str) -> None:
    now = timezone.now()
    for old in Submission.objects.select_for_update().filter(
        **entry_filter(entry), status=SubmissionStatus.IN_PROGRESS
    ):
        old.status, old.finished_at = SubmissionStatus.CANCELLED, now
        old.save(update_fields=["status", "finished_at"])
        audit_record(
            actor=actor,
            action="workflow.cancel",
            target=entry,
            metadata={"submission": old.pk, "revision": old.revision.number, "reason": reason},
        )


@transaction.atomic
def submission_start(*, entry: Any, actor: Any, revision: Any) -> Submission | None:
    """Open a review of `revision` when a workflow applies; supersedes any open submission."""
    workflow = workflow_for(entry)
    if workflow is None:
        return None
    if revision is None:
        raise ValidationError("The item has no saved revision to submit.")
    _cancel_open(entry, actor, "resubmitted")
    step = first_step(workflow)
    submission = Submission.objects.create(
        **entry_filter(entry),
        revision=revision,
        workflow=workflow,
        submitted_by=actor,
        current_step=step,
    )
    audit_record(
        actor=actor,
        action="workflow.submit",
        target=entry,
        metadata={
            "submission": submission.pk,
            "workflow": workflow.name,
            "revision": revision.number,
            "step": step.order,
        },
    )
    notify_step(submission=submission, step=step, reviewers=step_reviewers(step, entry))
    return submission


@transaction.atomic
def submission_cancel_stale(*, entry: Any, actor: Any = None) -> None:
    """An edit after submission voids the open review of the older revision."""
    stale = Submission.objects.filter(
        **entry_filter(entry), status=SubmissionStatus.IN_PROGRESS
    ).exclude(revision_id=entry.latest_revision_id)
    if stale.exists():
        _cancel_open(entry, actor, "edited after submission")


# --- Decisions ----------------------------------------------------------------------------


def _ensure_can_decide(submission: Submission, entry: Any, actor: Any) -> None:
    step = submission.current_step
    # Asked of the item: a role granted within a section reviews only the section's items.
    if not (actor.has_perm(REVIEW_PERM, entry) and holds_step(actor, step, entry)):
        raise PermissionDenied(f"Only {step.group_name} reviewers may decide this step.")
    if actor.pk in (submission.submitted_by_id, getattr(entry, "owner_id", None)):
        raise PermissionDenied("No one may review their own submission.")


def review_refusal(
    *, submission: Submission, entry: Any, actor: Any
) -> ValidationError | PermissionDenied | None:
    """Why review_decide would refuse `actor`'s decision on the current step now, or None
    (reads only; review_decide raises what this returns, the admin offers when it is None)."""
    if submission.status != SubmissionStatus.IN_PROGRESS:
        return ValidationError(f"This submission is already {submission.get_status_display()}.")
    if entry is None or entry.deleted_at is not None:
        return ValidationError("The item is gone or in the trash.")
    if submission.revision_id != entry.latest_revision_id:
        return ValidationError("The item changed since it was submitted; it must be resubmitted.")
    if actor is None:
        return None  # the system, or an external reviewer through a review link
    try:
        _ensure_can_decide(submission, entry, actor)
    except PermissionDenied as exc:
        return exc
    decided = ReviewTask.objects.filter(
        submission=submission, step_id=submission.current_step_id, reviewer=actor
    )
    if decided.exists():
        return ValidationError("You have already decided on this step.")
    return None


def review_may_decide(*, submission: Submission, entry: Any, actor: Any) -> bool:
    """Whether review_decide would take `actor`'s decision on the current step now (reads only)."""
    return (
        actor is not None
        and review_refusal(submission=submission, entry=entry, actor=actor) is None
    )


def _finish_submission(submission: Submission, status: str) -> None:
    submission.status, submission.finished_at = status, timezone.now()
    submission.save(update_fields=["status", "finished_at", "current_step"])


@transaction.atomic
def review_decide(
    *,
    submission: Submission,
    actor: Any,
    decision: str,
    comment: str = "",
    external_name: str = "",
    review_link: Any = None,
) -> Submission:
    """Approve or reject the current step; the last approval approves the item."""
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    entry = submission.entry
    comment = (comment or "").strip()
    if decision not in Decision.values:
        raise ValidationError({"decision": ["Must be approve or reject."]})
    refusal = review_refusal(submission=submission, entry=entry, actor=actor)
    if refusal is not None:
        raise refusal
    if decision == Decision.REJECT and not comment:
        raise ValidationError({"comment": ["A rejection needs a comment."]})
    step = submission.current_step
    system = actor is None and review_link is None
    ReviewTask.objects.create(
        submission=submission,
        step=step,
        reviewer=actor,
        external_name=external_name,
        review_link=review_link,
        decision=decision,
        comment=comment,
    )
    if comment:
        Comment.objects.create(
            **entry_filter(entry),
            revision=submission.revision,
            author=actor,
            external_name=external_name,
            body=f"{PAST[decision]}: {comment}",
        )
    metadata = {
        "submission": submission.pk,
        "step": step.order,
        "revision": submission.revision.number,
        "comment": comment,
    }
    if external_name:
        metadata["external_reviewer"] = external_name
    audit_record(actor=actor, action=f"workflow.{decision}", target=entry, metadata=metadata)

    if decision == Decision.REJECT:
        _finish_submission(submission, SubmissionStatus.REJECTED)
        review_outcome_apply(entry=entry, actor=actor, decision=decision, message=comment)
    else:
        approvals = submission.tasks.filter(step=step, decision=Decision.APPROVE).count()
        following = next_step(step)
        if system or (approvals >= step.approvals_required and following is None):
            _finish_submission(submission, SubmissionStatus.APPROVED)
            review_outcome_apply(entry=entry, actor=actor, decision=decision, message=comment)
        elif approvals >= step.approvals_required:
            submission.current_step = following
            submission.save(update_fields=["current_step"])
            audit_record(
                actor=actor,
                action="workflow.advance",
                target=entry,
                metadata={"submission": submission.pk, "step": following.order},
            )
            notify_step(
                submission=submission, step=following, reviewers=step_reviewers(following, entry)
            )
    notify_decision(
        submission=submission,
        decision=decision,
        reviewer_name=str(actor) if actor else external_name or "the system",
        comment=comment,
    )
    return submission
