"""Which workflow reviews an item, and who may act on each of its steps."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet

from accounts.roles import ADMINISTRATOR
from content.models import RoleGrant
from content.permissions import grants_of, grants_q
from content.scope import scope_matches, scope_pick, scopes_of
from content.selectors import entry_refs_q
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


def _grants_of_role(role: str, entry: Any) -> list[RoleGrant]:
    """The grants of `role` (to anyone) whose scope covers `entry`: the few of that role in
    the entry's locale or none are read, and their scopes matched here."""
    rows = list(
        RoleGrant.objects.filter(role=role)
        .filter(Q(scope_locale__isnull=True) | Q(scope_locale_id=entry.locale_id))
        .select_related("scope_page")
    )
    return [
        row for row, scope in zip(rows, scopes_of(rows), strict=True) if scope_matches(scope, entry)
    ]


def step_reviewers(step: WorkflowStep, entry: Any) -> QuerySet:
    """Active users who may act on a step of `entry`'s review: members of its role or
    group, and holders of a grant of its role (directly or through a group) whose scope
    covers the item (content.permissions)."""
    if step.role:
        held = Q(groups__name=step.role)
        grants = _grants_of_role(step.role, entry)
        users = {g.user_id for g in grants} - {None}
        groups = {g.group_id for g in grants} - {None}
        if users:
            held |= Q(pk__in=users)
        if groups:
            held |= Q(groups__in=groups)
    else:
        held = Q(groups=step.group_id)
    return get_user_model().objects.filter(held, is_active=True).distinct()


def holds_step(user: Any, step: WorkflowStep, entry: Any) -> bool:
    """The user holds the step's role or group (Administrators hold every role), or a
    grant of the step's role whose scope covers `entry`."""
    if user.is_superuser:
        return True
    names = set(user.groups.values_list("name", flat=True))
    if ADMINISTRATOR in names:
        return True
    if not step.role:
        return user.groups.filter(pk=step.group_id).exists()
    return step.role in names or any(
        grant.role == step.role and scope_matches(grant.scope, entry) for grant in grants_of(user)
    )


def steps_held_q(user: Any) -> Q | None:
    """The submissions whose current step `user` holds (holds_step, over a queue): None
    for holders of every role; else its roles and groups, and for each role it holds
    through grants, that role's steps on the items of those grants' scopes (indexed)."""
    names = set(user.groups.values_list("name", flat=True))
    if user.is_superuser or ADMINISTRATOR in names:
        return None
    held = Q(current_step__role__in=names) | Q(current_step__group__in=user.groups.all())
    for role in sorted({grant.role for grant in grants_of(user)} - names):
        items = _items_granted(user, role)
        held |= Q(current_step__role=role) if items is None else Q(current_step__role=role) & items
    return held


def _items_granted(user: Any, role: str) -> Q | None:
    """The submissions of items in the scopes of `user`'s grants of `role` (None: all)."""
    return entry_refs_q(lambda model: grants_q(user, model, lambda grant: grant.role == role))
