"""Lifecycle transitions in the admin: object-tools buttons and bulk actions.

Each transition names its service (content.services.lifecycle) and when to offer it.
Offering is only a courtesy to the user: the service checks the role matrix and the
status again and refuses otherwise, so a hand-crafted POST gets the same answer.
Reject asks for a comment first, so it is an object tool with its own form
(content.admin.review), not a one-click transition.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from rest_framework.exceptions import APIException

from config.admin_services import SERVICE_ERRORS, report_refusal
from content import hooks
from content.models import PublishableCore, Status
from content.services import lifecycle, rules

# Services raise Django's errors, plus DRF's Conflict / PreconditionFailed for 409 / 412.
REFUSALS = (*SERVICE_ERRORS, APIException)


def can(check: Callable[[Any, PublishableCore], None], user: Any, entry: PublishableCore) -> bool:
    """Whether a rules.ensure_* check passes, without raising."""
    try:
        check(user, entry)
    except (PermissionDenied, ValidationError):
        return False
    return True


def _live(entry: PublishableCore) -> bool:
    return entry.deleted_at is None


def publisher(user: Any, entry: PublishableCore) -> bool:
    return _live(entry) and can(rules.ensure_can_publish, user, entry)


def reviewer(user: Any, entry: PublishableCore, decision: str) -> bool:
    """May `user` approve or reject (`decision`) the item now? Content's role rules, then
    whoever owns the review (governance's workflows: a reviewer on the current step)."""
    in_review = entry.status == Status.IN_REVIEW or rules.live_changes(entry)
    if not (_live(entry) and in_review):
        return False
    if not can(rules.ensure_can_review, user, entry):
        return False
    answers = hooks.review_allowed.send(
        sender=type(entry), entry=entry, actor=user, decision=decision
    )
    if rules.live_changes(entry):
        return hooks.taken_over(answers)  # only a workflow reviews a live item's changes
    return hooks.allowed(answers)


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    done: str  # past tense, for the success message
    service: Callable[..., PublishableCore]
    permission: str  # the ModelAdmin's has_<permission>_permission gates the bulk action
    offered: Callable[[Any, PublishableCore], bool]
    style: str = ""
    button: bool = True


TRANSITIONS = (
    Transition(
        "submit",
        "Submit for review",
        "submitted for review",
        lifecycle.entry_submit,
        "change",
        lambda u, e: (
            _live(e)
            and (e.status == Status.DRAFT or rules.live_changes(e))
            and can(rules.ensure_can_edit, u, e)
        ),
    ),
    Transition(
        "approve",
        "Approve",
        "approved",
        lifecycle.entry_approve,
        "review",
        lambda u, e: reviewer(u, e, "approve"),
    ),
    Transition(
        "publish",
        "Publish",
        "published",
        lifecycle.entry_publish,
        "publish",
        lambda u, e: (
            publisher(u, e) and (e.status != Status.PUBLISHED or e.has_unpublished_changes)
        ),
        style="primary",
    ),
    Transition(
        "unpublish",
        "Unpublish",
        "unpublished",
        lifecycle.entry_unpublish,
        "publish",
        lambda u, e: publisher(u, e) and e.status in (Status.PUBLISHED, Status.SCHEDULED),
    ),
    Transition(
        "archive",
        "Archive",
        "archived",
        lifecycle.entry_archive,
        "publish",
        lambda u, e: publisher(u, e) and e.status != Status.ARCHIVED,
        button=False,
    ),
    Transition(
        "trash",
        "Move to trash",
        "moved to the trash",
        lifecycle.entry_trash,
        "trash",
        lambda u, e: _live(e) and can(rules.ensure_can_trash, u, e),
        style="danger",
    ),
    Transition(
        "restore",
        "Restore",
        "restored from the trash",
        lifecycle.entry_restore,
        "trash",
        lambda u, e: not _live(e) and can(rules.ensure_can_trash, u, e),
        style="primary",
    ),
)
BY_NAME = {t.name: t for t in TRANSITIONS}


def run(request, transition: Transition, entry: PublishableCore) -> bool:
    """Call the service; report success or the refusal as a message."""
    try:
        transition.service(entry=entry, actor=request.user)
    except REFUSALS as exc:
        report_refusal(request, exc, prefix=f"“{entry}”: ")
        return False
    messages.success(request, f"“{entry}” was {transition.done}.")
    return True


def _bulk(transition: Transition):
    def action(modeladmin, request, queryset):
        for entry in queryset:
            run(request, transition, entry)

    action.__name__ = f"bulk_{transition.name}"
    return admin.action(
        description=f"{transition.label} (selected %(verbose_name_plural)s)",
        permissions=[transition.permission],
    )(action)


BULK_ACTIONS = [_bulk(t) for t in TRANSITIONS]


@admin.action(description="Schedule selected %(verbose_name_plural)s…", permissions=["publish"])
def bulk_schedule(modeladmin, request, queryset):
    """An intermediate page asks for the times, then schedules each item."""
    from content.admin.forms import ScheduleForm

    form = ScheduleForm(request.POST if "apply" in request.POST else None)
    if form.is_valid():
        for entry in queryset:
            try:
                lifecycle.entry_schedule(entry=entry, actor=request.user, **form.cleaned_data)
            except REFUSALS as exc:
                report_refusal(request, exc, prefix=f"“{entry}”: ")
            else:
                messages.success(request, f"“{entry}” was scheduled.")
        return None
    return TemplateResponse(
        request,
        "admin/content/schedule.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": "Schedule",
            "opts": modeladmin.model._meta,
            "form": form,
            "media": modeladmin.media + form.media,
            "entries": queryset,
            "action": "bulk_schedule",
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        },
    )
