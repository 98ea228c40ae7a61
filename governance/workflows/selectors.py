"""Reads of workflows: the workflow panel's state."""

from __future__ import annotations


def workflow_state_for(entry, user=None) -> dict:
    """The workflow panel of an article or page (for the content change form).

    Returns {"workflow": name | None, "submission": {id, status, revision, step: {order,
    name, role, approvals, approvals_required} | None, submitted_by, created_at} | None,
    "approved_revision_is_latest": bool (may an Editor publish it now),
    "decisions": [{reviewer, decision, comment, created_at, step}], "can_decide": bool
    (may `user` approve/reject the current step), "comments": [{id, parent, author, body,
    created_at, replies: [...]}] (threaded, oldest first)}. Reads only.
    """
    from django.contrib.contenttypes.models import ContentType

    from governance.models import Comment, Submission, SubmissionStatus
    from governance.workflows.services import review_may_decide, workflow_for

    content_type = ContentType.objects.get_for_model(entry)
    own = {"content_type": content_type, "object_id": entry.pk}
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
