"""The publishing rule of workflows: a publish or a schedule needs an approved submission
for exactly that revision, or an audited bypass.

- `workflow_publish_check` runs before a publish (the review backend's `on_publish`): it
  needs an approved submission for exactly the revision being published, unless the actor
  holds `governance.bypass_workflow` (audited as `workflow.bypass`). The system actor
  (None: seeding, imports, factories) bypasses a direct publish, audited with
  `system: true`, but a *scheduled* publish needs the approval like anyone: the scheduler
  acts as the system, and an item edited after scheduling must not go out unreviewed.
- `workflow_schedule_check` runs before a schedule (`on_schedule`): scheduling a publish
  needs the same approval now, so a refusal reaches the person scheduling rather than a
  log line when the time comes. A bypass holder may schedule anyway; that bypass is
  recorded for the exact revision (governance.workflows.bypass) and the scheduler
  honours it.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from governance.models import BypassTransition, Submission, SubmissionStatus, Workflow
from governance.workflows.bypass import bypass_record, schedule_bypass_for
from governance.workflows.routing import entry_filter, workflow_for

BYPASS_PERM = "governance.bypass_workflow"


def approved_for(entry: Any, revision: Any) -> bool:
    return Submission.objects.filter(
        **entry_filter(entry), revision=revision, status=SubmissionStatus.APPROVED
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
