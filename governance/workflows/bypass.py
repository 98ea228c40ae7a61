"""Workflow bypasses: who let which revision go live without an approved submission.

A holder of `governance.bypass_workflow` may publish, or schedule, a revision no one
approved. A person's bypass is recorded (WorkflowBypass) for that exact revision, and
every bypass, the system's included, is audited as `workflow.bypass`. The scheduler
acts as the system and knows no one, so it publishes an unapproved revision only when
a bypass holder scheduled that very revision (see `workflow_publish_check`).
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType

from accounts.audit import audit_record
from governance.models import BypassTransition, Workflow, WorkflowBypass


def bypass_record(
    *,
    entry: Any,
    actor: Any,
    workflow: Workflow,
    revision: Any,
    transition: str,
    **metadata: Any,
) -> WorkflowBypass | None:
    """Audit one bypass; a person's is also stored, so a schedule bypass can be honoured."""
    bypass = None
    if actor is not None:
        bypass = WorkflowBypass.objects.create(
            content_type=ContentType.objects.get_for_model(entry),
            object_id=entry.pk,
            revision=revision,
            workflow=workflow,
            actor=actor,
            transition=transition,
        )
    audit_record(
        actor=actor,
        action="workflow.bypass",
        target=entry,
        metadata={
            "workflow": workflow.name,
            "revision": revision.number,
            "system": actor is None,
            "transition": transition,
            **({"bypass": bypass.pk} if bypass else {}),
            **metadata,
        },
    )
    return bypass


def schedule_bypass_for(entry: Any, revision: Any) -> WorkflowBypass | None:
    """The latest bypass a person gave when scheduling exactly `revision` of `entry`."""
    return (
        WorkflowBypass.objects.filter(
            content_type=ContentType.objects.get_for_model(entry),
            object_id=entry.pk,
            revision=revision,
            transition=BypassTransition.SCHEDULE,
        )
        .select_related("actor")
        .first()
    )
