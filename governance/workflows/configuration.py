"""Workflow configuration (Administrators) and threaded comments on items."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts.audit import audit_changes, audit_record
from accounts.roles import ROLE_NAMES
from content.scope import ScopeNames, scope_clean, scope_describe, scope_read, scope_write
from governance.models import Comment, Submission, Workflow, WorkflowStep

# The API and the admin form name the scope's parts as they did before content.scope.
WORKFLOW_SCOPE = ScopeNames(types="content_types")
FIELDS = ("name", "is_active", *WORKFLOW_SCOPE)


def _ensure(actor: Any, perm: str) -> None:
    if actor is not None and not actor.has_perm(perm):
        raise PermissionDenied("You do not have permission to perform this action.")


def _clean_steps(steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if not steps:
        raise ValidationError({"steps": ["A workflow needs at least one step."]})
    errors, orders = {}, set()
    for index, step in enumerate(steps):
        if bool(step.get("role")) == bool(step.get("group")):
            errors[f"steps.{index}"] = ["Give a role or a group, not both."]
        elif step.get("role") and step["role"] not in ROLE_NAMES:
            errors[f"steps.{index}"] = [f"Role must be one of: {', '.join(ROLE_NAMES)}."]
        order = step.get("order", index + 1)
        if order in orders:
            errors[f"steps.{index}"] = ["Step orders must be unique."]
        orders.add(order)
        step["order"] = order
    if errors:
        raise ValidationError(errors)
    return steps


def _write(workflow: Workflow, data: dict[str, Any]) -> None:
    if any(name in data for name in WORKFLOW_SCOPE):
        # The parts given replace the stored ones; the scope is validated whole.
        scope = scope_read(workflow, WORKFLOW_SCOPE) | {
            name: data[name] for name in WORKFLOW_SCOPE if name in data
        }
        scope_write(workflow, scope_clean(scope, WORKFLOW_SCOPE), WORKFLOW_SCOPE)
    for name in ("name", "is_active"):
        if name in data:
            setattr(workflow, name, data[name])
    workflow.full_clean()
    workflow.save()
    if "steps" in data:
        steps = _clean_steps(data["steps"])
        if Submission.objects.filter(workflow=workflow, status="in_progress").exists():
            raise ValidationError(
                {"steps": ["Reviews are in progress on this workflow; steps cannot change now."]}
            )
        workflow.steps.all().delete()
        WorkflowStep.objects.bulk_create(
            WorkflowStep(
                workflow=workflow,
                order=step["order"],
                name=step.get("name", ""),
                role=step.get("role") or "",
                group=step.get("group"),
                approvals_required=step.get("approvals_required", 1),
            )
            for step in steps
        )


def _snapshot(workflow: Workflow) -> dict[str, Any]:
    return {
        "name": workflow.name,
        "is_active": workflow.is_active,
        **scope_describe(workflow, WORKFLOW_SCOPE),
        "steps": [
            [s.order, s.group_name, s.approvals_required] for s in workflow.steps.order_by("order")
        ],
    }


@transaction.atomic
def workflow_create(*, actor: Any, data: dict[str, Any]) -> Workflow:
    """Create a workflow with its ordered steps (Administrators)."""
    _ensure(actor, "governance.add_workflow")
    if "steps" not in data:
        raise ValidationError({"steps": ["A workflow needs at least one step."]})
    workflow = Workflow()
    _write(workflow, data)
    audit_record(
        actor=actor, action="workflow.create", target=workflow, changes=_snapshot(workflow)
    )
    return workflow


@transaction.atomic
def workflow_update(*, workflow: Workflow, actor: Any, data: dict[str, Any]) -> Workflow:
    """Change a workflow; its steps are replaced as a whole when given."""
    _ensure(actor, "governance.change_workflow")
    workflow = Workflow.objects.select_for_update().get(pk=workflow.pk)
    before = _snapshot(workflow)
    _write(workflow, data)
    after = _snapshot(workflow)
    changes = audit_changes(before, after)
    audit_record(actor=actor, action="workflow.update", target=workflow, changes=changes)
    return workflow


@transaction.atomic
def workflow_delete(*, workflow: Workflow, actor: Any) -> None:
    """Delete a workflow never used; one with review history can only be deactivated."""
    _ensure(actor, "governance.delete_workflow")
    if Submission.objects.filter(workflow=workflow).exists():
        raise ValidationError("This workflow has review history; deactivate it instead.")
    audit_record(
        actor=actor, action="workflow.delete", target=workflow, changes=_snapshot(workflow)
    )
    workflow.delete()


@transaction.atomic
def comment_create(*, entry: Any, actor: Any, body: str, parent: Comment | None = None) -> Comment:
    """Add a comment to an item, optionally as a reply in a thread on the same item; the
    right is asked of the item (a section-limited role comments inside its sections)."""
    if actor is not None and not actor.has_perm("governance.add_comment", entry):
        raise PermissionDenied("You do not have permission to perform this action.")
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": ["A comment cannot be empty."]})
    content_type = ContentType.objects.get_for_model(entry)
    if parent is not None and (
        parent.content_type_id != content_type.pk or parent.object_id != entry.pk
    ):
        raise ValidationError({"parent": ["Reply to a comment on the same item."]})
    comment = Comment.objects.create(
        content_type=content_type,
        object_id=entry.pk,
        parent=parent,
        revision_id=entry.latest_revision_id,
        author=actor,
        body=body,
    )
    audit_record(
        actor=actor,
        action="comment.create",
        target=entry,
        metadata={"comment": comment.pk, "parent": parent.pk if parent else None},
    )
    return comment
