"""Reads of workflows: a reviewer's queue, and the workflow panel's state."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from content.permissions import section_q
from content.selectors import entry_refs_q
from governance.models import Comment, ReviewTask, Submission, SubmissionStatus
from governance.workflows.routing import REVIEW_PERM, entry_filter, steps_held_q, workflow_for
from governance.workflows.services import review_may_decide


def review_queue_for(user: Any) -> QuerySet[Submission]:
    """Open submissions whose current step `user` may act on and has not yet decided: on
    the items it may review (everywhere for its roles, else in its grants' sections), the
    steps it holds (routing.steps_held_q). What review_refusal decides for one, as a query."""
    queue = Submission.objects.filter(status=SubmissionStatus.IN_PROGRESS)
    if not user.has_perm(REVIEW_PERM):
        return queue.none()
    for limit in (
        entry_refs_q(lambda model: section_q(user, model, REVIEW_PERM)),
        steps_held_q(user),
    ):
        if limit is not None:
            queue = queue.filter(limit)
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


def workflow_state_for(entry, user=None) -> dict:
    """The workflow panel of an article or page (for the content change form).

    Returns {"workflow": name | None, "submission": {id, status, revision, step: {order,
    name, role, approvals, approvals_required} | None, submitted_by, created_at} | None,
    "approved_revision_is_latest": bool (may an Editor publish it now),
    "decisions": [{reviewer, decision, comment, created_at, step}], "can_decide": bool
    (may `user` approve/reject the current step), "comments": [{id, parent, author, body,
    created_at, replies: [...]}] (threaded, oldest first)}. Reads only.
    """
    own = entry_filter(entry)
    workflow = workflow_for(entry)
    submission = (
        Submission.objects.filter(**own)
        .exclude(status=SubmissionStatus.CANCELLED)
        .select_related("current_step", "revision", "submitted_by")
        .prefetch_related("tasks__reviewer", "tasks__step")
        .first()
    )
    state = None
    decisions = []
    can_decide = False
    if submission is not None:
        step = submission.current_step
        tasks = list(submission.tasks.all())
        decisions = [
            {
                "reviewer": t.reviewer_name,
                "decision": t.decision,
                "comment": t.comment,
                "created_at": t.created_at,
                "step": t.step.order,
            }
            for t in tasks
        ]
        state = {
            "id": submission.pk,
            "status": submission.status,
            "revision": submission.revision.number,
            "submitted_by": str(submission.submitted_by or "the system"),
            "created_at": submission.created_at,
            "step": step
            and {
                "order": step.order,
                "name": step.name,
                "role": step.group_name,
                "approvals": sum(
                    1 for t in tasks if t.step_id == step.pk and t.decision == "approve"
                ),
                "approvals_required": step.approvals_required,
            },
        }
        can_decide = review_may_decide(submission=submission, entry=entry, actor=user)
    approved = Submission.objects.filter(
        **own, status=SubmissionStatus.APPROVED, revision_id=entry.latest_revision_id
    ).exists()
    comments = list(Comment.objects.filter(**own).select_related("author"))
    nodes = {
        c.pk: {
            "id": c.pk,
            "parent": c.parent_id,
            "author": c.author_name,
            "body": c.body,
            "created_at": c.created_at,
            "replies": [],
        }
        for c in comments
    }
    roots = []
    for node in nodes.values():
        parent = nodes.get(node["parent"])
        (parent["replies"] if parent else roots).append(node)
    return {
        "workflow": workflow.name if workflow else None,
        "submission": state,
        "approved_revision_is_latest": approved,
        "decisions": decisions,
        "can_decide": can_decide,
        "comments": roots,
    }
