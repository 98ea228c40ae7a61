"""Workflows subscribe to content's guard hooks (see content/hooks.py).

Each receiver is thin: it calls the service that holds the rule.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from content import hooks
from governance.workflows import services as workflows


def on_submit_requested(sender, *, entry, actor, revision, **kwargs) -> bool:
    """True (the review is ours) when a workflow applies and a submission was opened."""
    return workflows.submission_start(entry=entry, actor=actor, revision=revision) is not None


NO_SUBMISSION = "This item has no open review submission for its current revision; submit it again."


def on_review_requested(sender, *, entry, actor, decision, message, **kwargs) -> bool | None:
    """Content's approve/reject hand the decision to review_decide when a workflow applies."""
    if hooks.writing_review_outcome():
        return None  # review_decide itself is writing the outcome through content
    submission = workflows.submission_current(entry)
    if submission is None:
        if decision == "reject" or workflows.workflow_for(entry) is None:
            return None  # nothing to review against; content's own rules decide
        raise ValidationError(NO_SUBMISSION)
    workflows.review_decide(submission=submission, actor=actor, decision=decision, comment=message)
    return True


def on_review_allowed(sender, *, entry, actor, decision, **kwargs) -> object:
    """The check's answer: what on_review_requested + review_decide would do (reads only)."""
    submission = workflows.submission_current(entry)
    if submission is None:
        if decision == "reject" or workflows.workflow_for(entry) is None:
            return None  # content's own rules decide
        return ValidationError(NO_SUBMISSION)  # approving needs an open submission
    refusal = workflows.review_refusal(submission=submission, entry=entry, actor=actor)
    return refusal or True


def on_review_applies(sender, *, entry, **kwargs) -> bool | None:
    """A workflow owns the review of the item (a live item's changes need one)."""
    return True if workflows.workflow_for(entry) is not None else None


def on_publish_allowed(sender, *, entry, actor, revision, **kwargs) -> ValidationError | None:
    """The check's answer: what on_publish_requested would say to `actor` (reads only)."""
    return workflows.publish_refusal(entry=entry, actor=actor, revision=revision)


def on_publish_requested(sender, *, entry, actor, revision, scheduled, **kwargs) -> None:
    workflows.workflow_publish_check(
        entry=entry, actor=actor, revision=revision, scheduled=scheduled
    )


def on_schedule_requested(sender, *, entry, actor, revision, publish_at, **kwargs) -> None:
    workflows.workflow_schedule_check(
        entry=entry, actor=actor, revision=revision, publish_at=publish_at
    )


def on_entry_changed(sender, *, entry_id, action, **kwargs) -> None:
    if action == "update":
        entry = sender.objects.filter(pk=entry_id).first()
        if entry is not None:
            workflows.submission_cancel_stale(entry=entry)
