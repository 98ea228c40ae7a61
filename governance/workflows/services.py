"""Review workflows: submit, decide, advance, and the publishing rule.

Content owns the item's status; governance owns the review, as content's review backend
(governance.workflows.backend, registered in GovernanceConfig.ready). The flow:
- `entry_submit` asks the backend to start a review: `submission_start` pins the exact
  revision submitted and supersedes any open submission.
- `review_decide` is the one place a review decision is made (API queue, admin, review
  links, and content's own approve/reject, which hand it over through the backend's
  `decide`). When the last step is approved, or a step is rejected, it writes the item's
  status once through content's `review_outcome_apply`: one status write path.
- `workflow_publish_check` runs before a publish (the backend's `on_publish`): it needs
  an approved submission for exactly the revision being published, unless the actor holds
  `governance.bypass_workflow` (audited as `workflow.bypass`). The system actor (None:
  seeding, imports, factories) bypasses a direct publish, audited with `system: true`,
  but a *scheduled* publish needs the approval like anyone: the scheduler acts as the
  system, and an item edited after scheduling must not go out unreviewed.
- `workflow_schedule_check` runs before a schedule (`on_schedule`): scheduling a publish
  needs the same approval now, so a refusal reaches the person scheduling rather than a
  log line when the time comes. A bypass holder may schedule anyway; that bypass is
  recorded for the exact revision (governance.workflows.bypass) and the
  scheduler honours it.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.audit import audit_record
from accounts.roles import ADMINISTRATOR
from content.scope import scope_pick, scopes_of
from content.services.lifecycle import review_outcome_apply
from governance.models import (
    BypassTransition,
    Comment,
    Decision,
    ReviewTask,
    Submission,
    SubmissionStatus,
    Workflow,
    WorkflowStep,
)
from governance.workflows.bypass import bypass_record, schedule_bypass_for
from governance.workflows.notify import notify_decision, notify_step

REVIEW_PERM = "governance.review_content"
BYPASS_PERM = "governance.bypass_workflow"
PAST = {Decision.APPROVE: "Approved", Decision.REJECT: "Rejected"}


def _entry_filter(entry: Any) -> dict[str, Any]:
    return {"content_type": ContentType.objects.get_for_model(entry), "object_id": entry.pk}


# --- Which workflow -----------------------------------------------------------------------


def _active() -> QuerySet[Workflow]:
    return Workflow.objects.filter(is_active=True, steps__isnull=False).distinct()


def workflow_for(entry: Any) -> Workflow | None:
    """The workflow for an item: of the active workflows whose scope covers it, the most
    specific (content.scope: a page section beats a category beats types; the deepest
    page, the nearest category win; ties go to the first by name). A workflow assigned
    to nothing (no part of its scope set) applies to nothing."""
    workflows = list(_active().select_related("scope_page"))
    scoped = zip(scopes_of(workflows), workflows, strict=True)
    return scope_pick(((s, w) for s, w in scoped if not s.is_everything), entry)


def _first_step(workflow: Workflow) -> WorkflowStep:
    return workflow.steps.order_by("order").first()


def _next_step(step: WorkflowStep) -> WorkflowStep | None:
    return step.workflow.steps.filter(order__gt=step.order).order_by("order").first()


def step_reviewers(step: WorkflowStep) -> QuerySet:
    """Active users who may act on a step: members of its role or group with review rights."""
    users = get_user_model().objects.filter(is_active=True)
    if step.role:
        users = users.filter(groups__name=step.role)
    else:
        users = users.filter(groups=step.group_id)
    return users.distinct()


def holds_step(user: Any, step: WorkflowStep) -> bool:
    """The user holds the step's role or group (Administrators hold every role)."""
    if user.is_superuser:
        return True
    names = set(user.groups.values_list("name", flat=True))
    if ADMINISTRATOR in names:
        return True
    if step.role:
        return step.role in names
    return user.groups.filter(pk=step.group_id).exists()


# --- Submissions --------------------------------------------------------------------------


def submission_current(entry: Any) -> Submission | None:
    """The open submission of an item, if any."""
    return (
        Submission.objects.filter(**_entry_filter(entry), status=SubmissionStatus.IN_PROGRESS)
        .select_related("current_step", "revision", "workflow")
        .first()
    )


def _cancel_open(entry: Any, actor: Any, reason: str) -> None:
    now = timezone.now()
    for old in Submission.objects.select_for_update().filter(
        **_entry_filter(entry), status=SubmissionStatus.IN_PROGRESS
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
    step = _first_step(workflow)
    submission = Submission.objects.create(
        **_entry_filter(entry),
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
    notify_step(submission=submission, step=step, reviewers=step_reviewers(step))
    return submission


@transaction.atomic
def submission_cancel_stale(*, entry: Any, actor: Any = None) -> None:
    """An edit after submission voids the open review of the older revision."""
    stale = Submission.objects.filter(
        **_entry_filter(entry), status=SubmissionStatus.IN_PROGRESS
    ).exclude(revision_id=entry.latest_revision_id)
    if stale.exists():
        _cancel_open(entry, actor, "edited after submission")


# --- Decisions ----------------------------------------------------------------------------


def _ensure_can_decide(submission: Submission, entry: Any, actor: Any) -> None:
    step = submission.current_step
    if not (actor.has_perm(REVIEW_PERM) and holds_step(actor, step)):
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
            **_entry_filter(entry),
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
        following = _next_step(step)
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
            notify_step(submission=submission, step=following, reviewers=step_reviewers(following))
    notify_decision(
        submission=submission,
        decision=decision,
        reviewer_name=str(actor) if actor else external_name or "the system",
        comment=comment,
    )
    return submission


# --- Publishing ---------------------------------------------------------------------------


def approved_for(entry: Any, revision: Any) -> bool:
    return Submission.objects.filter(
        **_entry_filter(entry), revision=revision, status=SubmissionStatus.APPROVED
    ).exists()


def _unapproved(workflow: Workflow, revision: Any, verb: str) -> ValidationError:
    number = f"revision {revision.number}" if revision is not None else "the item"
    return ValidationError(
        {
            "workflow": [
                f'"{workflow.name}" applies: {number} has no approved submission. '
                f"Submit it for review and {verb} it once it is approved."
            ]
        }
    )


def _approval_missing(entry: Any, revision: Any) -> Workflow | None:
    """The workflow whose approval publishing `revision` lacks, or None if it needs none."""
    workflow = workflow_for(entry)
    if workflow is None or approved_for(entry, revision):
        return None
    return workflow


def _person_refusal(workflow: Workflow, actor: Any, revision: Any) -> ValidationError | None:
    # A bypass holder may publish unapproved work (the publish records the bypass).
    return None if actor.has_perm(BYPASS_PERM) else _unapproved(workflow, revision, "publish")


def publish_refusal(*, entry: Any, actor: Any, revision: Any) -> ValidationError | None:
    """Why workflow_publish_check would refuse `actor` publishing `revision` now, or None
    (reads only: what the publish check and the admin's Publish button ask)."""
    workflow = _approval_missing(entry, revision)
    return None if workflow is None else _person_refusal(workflow, actor, revision)


def workflow_publish_check(*, entry: Any, actor: Any, revision: Any, scheduled: bool) -> None:
    """Publishing needs an approved submission for the revision, or bypass_workflow (audited)."""
    workflow = _approval_missing(entry, revision)
    if workflow is None:
        return
    bypass = {"workflow": workflow, "revision": revision, "transition": BypassTransition.PUBLISH}
    if actor is not None:
        refusal = _person_refusal(workflow, actor, revision)
        if refusal is not None:
            raise refusal
        bypass_record(entry=entry, actor=actor, scheduled=scheduled, **bypass)
        return
    if actor is None and not scheduled:
        bypass_record(entry=entry, actor=None, scheduled=False, **bypass)
        return
    granted = schedule_bypass_for(entry, revision) if actor is None else None
    if granted is not None and granted.actor is not None and granted.actor.has_perm(BYPASS_PERM):
        # A bypass holder (still one) scheduled this very revision; the scheduler carries it out.
        bypass_record(
            entry=entry,
            actor=None,
            scheduled=True,
            granted_by=granted.actor_id,
            granted_bypass=granted.pk,
            **bypass,
        )
        return
    raise _unapproved(workflow, revision, "publish")


def workflow_schedule_check(*, entry: Any, actor: Any, revision: Any, publish_at: Any) -> None:
    """Scheduling a publish needs an approved submission for the revision now, or
    bypass_workflow (recorded for that revision, so the scheduler honours it; audited)."""
    if actor is None:
        return  # the system may schedule; the scheduler checks the approval when it is due
    workflow = workflow_for(entry)
    if workflow is None or (revision is not None and approved_for(entry, revision)):
        return
    if revision is not None and actor.has_perm(BYPASS_PERM):
        bypass_record(
            entry=entry,
            actor=actor,
            workflow=workflow,
            revision=revision,
            transition=BypassTransition.SCHEDULE,
            publish_at=publish_at.isoformat(),
        )
        return
    raise _unapproved(workflow, revision, "schedule")


# --- Queue --------------------------------------------------------------------------------


def review_queue_for(user: Any) -> QuerySet[Submission]:
    """Open submissions whose current step `user` may act on and has not yet decided."""
    queue = Submission.objects.filter(status=SubmissionStatus.IN_PROGRESS)
    if not user.has_perm(REVIEW_PERM):
        return queue.none()
    names = set(user.groups.values_list("name", flat=True))
    if not (user.is_superuser or ADMINISTRATOR in names):
        queue = queue.filter(
            Q(current_step__role__in=names) | Q(current_step__group__in=user.groups.all())
        )
    decided = ReviewTask.objects.filter(
        submission=OuterRef("pk"), step=OuterRef("current_step"), reviewer=user
    )
    # Not their own submissions, and not steps they already decided.
    return (
        queue.exclude(submitted_by=user)
        .exclude(Exists(decided))
        .select_related("current_step", "revision", "workflow", "submitted_by", "content_type")
        .order_by("created_at", "pk")
    )
