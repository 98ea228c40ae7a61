"""Which workflow reviews an item, and who may act on each of its steps."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet

from accounts.roles import ADMINISTRATOR
from content.scope import scope_pick, scopes_of
from governance.models import Workflow, WorkflowStep

REVIEW_PERM = "governance.review_content"


def entry_filter(entry: Any) -> dict[str, Any]:
    """The lookups that select an item's rows of a generic relation (submissions, comments)."""
    return {"content_type": ContentType.objects.get_for_model(entry), "object_id": entry.pk}


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


def first_step(workflow: Workflow) -> WorkflowStep:
    return workflow.steps.order_by("order").first()


def next_step(step: WorkflowStep) -> WorkflowStep | None:
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
