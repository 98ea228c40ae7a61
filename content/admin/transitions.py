"""Lifecycle transitions in the admin: the change form's object-tools buttons (bulk
actions run the same services through bulk jobs: content.admin.bulk).

Each transition names its service and its check (content.services.checks), the very
function the service runs before acting: a button is offered exactly when that check
passes for the user and the item now, so the admin never offers what it then refuses
(blocking content policies aside: the policy panel shows them, the refusal lists them).
Reject asks for a comment first (content.admin.review); trash and restore ask for
confirmation on a page of their own (content.admin.trash).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages

from content.models import PublishableCore
from content.services import checks, lifecycle, trash
from core.admin_services import REFUSALS, report_refusal


def can(check: Callable[[Any, PublishableCore], None], user: Any, entry: PublishableCore) -> bool:
    """Whether a check (rules.ensure_*, content.services.checks) passes, without raising."""
    return checks.allowed(check, user, entry)


def publisher(user: Any, entry: PublishableCore) -> bool:
    """May `user` schedule the item now (the Schedule… page)?"""
    return can(checks.schedule_check, user, entry)


def reviewer(user: Any, entry: PublishableCore, decision: str) -> bool:
    """May `user` approve or reject (`decision`) the item now? The services' own check."""
    return checks.allowed(checks.review_check, user, entry, decision=decision)


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    done: str  # past tense, for the success message
    service: Callable[..., PublishableCore]
    check: Callable[[Any, PublishableCore], None]  # the one the service runs first
    style: str = ""
    button: bool = True
    confirm: bool = False  # the button opens a confirmation page (content.admin.trash)

    def offered(self, user: Any, entry: PublishableCore) -> bool:
        return can(self.check, user, entry)


TRANSITIONS = (
    Transition(
        "submit",
        "Submit for review",
        "submitted for review",
        lifecycle.entry_submit,
        checks.submit_check,
    ),
    Transition("approve", "Approve", "approved", lifecycle.entry_approve, checks.approve_check),
    Transition(
        "publish",
        "Publish",
        "published",
        lifecycle.entry_publish,
        checks.publish_check,
        style="primary",
    ),
    Transition(
        "unpublish",
        "Unpublish",
        "unpublished",
        lifecycle.entry_unpublish,
        checks.unpublish_check,
    ),
    Transition(
        "archive",
        "Archive",
        "archived",
        lifecycle.entry_archive,
        checks.archive_check,
        button=False,
    ),
    Transition(
        "trash",
        "Move to trash…",
        "moved to the trash",
        trash.entry_trash,
        checks.trash_check,
        style="danger",
        confirm=True,
    ),
    Transition(
        "restore",
        "Restore…",
        "restored from the trash",
        trash.entry_restore,
        checks.restore_check,
        style="primary",
        confirm=True,
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
