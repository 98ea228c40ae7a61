"""Permission rules for publishable items, read from the role matrix via `has_perm`.

A system actor (`None`: the scheduler, migrations, commands run as the system) passes
every check. Anyone who may change an item type but not publish it (the Author role)
is restricted to their own drafts. Asked about an item, a rule asks `has_perm(perm,
item)`: a role granted within a section (content.permissions) holds only on the
section's items, so the API, the admin, bulk actions and tasks share its limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.utils import timezone
from django.utils.formats import date_format

from accounts.roles import DENIED
from content.models import PublishableCore, Status
from content.types import entry_type_for
from core.exceptions import ItemLocked

# Governance's review right; content asks it of the item (a Reviewer granted a section).
REVIEW_PERM = "governance.review_content"


def perm_name(model: type[Model] | Model, action: str) -> str:
    meta = model._meta
    return f"{meta.app_label}.{action}_{meta.model_name}"


def has_perm(actor: Any, model: type[Model] | Model, action: str) -> bool:
    """`<action>_<model>`; on an item, on that item (where it is now: a new item or a
    moved one is asked once its placement is set)."""
    if actor is None:
        return True
    if isinstance(model, PublishableCore):
        return actor.has_perm(perm_name(model, action), model)
    return actor.has_perm(perm_name(model, action))


def ensure_perm(actor: Any, model: type[Model] | Model, action: str) -> None:
    """Refuse unless the matrix grants `<action>_<model>` (on the item, when given one)."""
    if not has_perm(actor, model, action):
        raise PermissionDenied(DENIED)


def is_restricted(actor: Any, model: type[Model] | Model) -> bool:
    """Authors: may edit the type but not publish it, so only their own drafts."""
    return actor is not None and not has_perm(actor, model, "publish")


def _ensure_own_draft(actor: Any, entry: PublishableCore, verb: str) -> None:
    if is_restricted(actor, entry) and not (
        entry.owner_id == actor.pk and entry.status == Status.DRAFT
    ):
        raise PermissionDenied(f"You may {verb} only your own drafts.")


def ensure_can_edit(actor: Any, entry: PublishableCore) -> None:
    """Change permission; Authors only on their own drafts."""
    ensure_perm(actor, entry, "change")
    _ensure_own_draft(actor, entry, "edit")


def ensure_can_trash(actor: Any, entry: PublishableCore) -> None:
    """Delete permission; Authors only on their own drafts."""
    ensure_perm(actor, entry, "delete")
    _ensure_own_draft(actor, entry, "trash or restore")


def ensure_can_publish(actor: Any, entry: PublishableCore) -> None:
    """Publish, unpublish, schedule and archive need the publish permission."""
    ensure_perm(actor, entry, "publish")


def ensure_can_review(actor: Any, entry: PublishableCore) -> None:
    """Approve or reject: reviewers (governance.review_content) and publishers, of the item."""
    if actor is None or actor.has_perm(REVIEW_PERM, entry):
        return
    if not has_perm(actor, entry, "publish"):
        raise PermissionDenied(DENIED)


def ensure_not_trashed(entry: PublishableCore) -> None:
    if entry.deleted_at is not None:
        raise ValidationError("This item is in the trash; restore it first.")


def live_changes(entry: PublishableCore) -> bool:
    """A live item's unpublished changes: reviewed while its live version stays public."""
    return entry.status == Status.PUBLISHED and entry.has_unpublished_changes


def ensure_reviewable(entry: PublishableCore, verb: str) -> None:
    """Approve and reject act on an item in review, or on a live item's pending changes."""
    if not live_changes(entry):
        ensure_status(entry, (Status.IN_REVIEW,), verb)


def ensure_status(entry: PublishableCore, allowed: tuple[str, ...], verb: str) -> None:
    """Refuse a transition from a status it does not start from."""
    if entry.status not in allowed:
        names = ", ".join(Status(s).label.lower() for s in allowed)
        raise ValidationError(
            {
                "status": [
                    f"Cannot {verb} an item that is {entry.get_status_display().lower()}; "
                    f"it must be {names}."
                ]
            }
        )


# --- Edit locks (taken and released by content.services.edit_locks) ---------------------


@dataclass(frozen=True)
class EditLock:
    """A lock in force: who holds it, since when, until when."""

    holder: Any
    locked_at: datetime
    expires_at: datetime

    @property
    def holder_name(self) -> str:
        return self.holder.get_full_name()

    @property
    def until(self) -> str:
        """The expiry as editors read it ("14:32", in the site's time zone)."""
        return date_format(timezone.localtime(self.expires_at), "H:i")

    def as_details(self) -> dict[str, Any]:
        """The lock as the API shows it (the management serializer, a 423's details)."""
        return {
            "locked_by": self.holder.pk,
            "locked_by_name": self.holder_name,
            "locked_at": self.locked_at.isoformat(),
            "expires_at": self.expires_at.isoformat(),
        }


def lock_in_force(entry: PublishableCore) -> bool:
    """Whether someone holds `entry`'s edit lock now (never taken, released or expired: no).
    A holder deleted since left it unlocked (the key is SET_NULL)."""
    expires = entry.lock_expires_at
    return entry.locked_by_id is not None and expires is not None and expires > timezone.now()


def lock_state(entry: PublishableCore) -> EditLock | None:
    """The edit lock in force on `entry`, with its holder, or None."""
    if not lock_in_force(entry):
        return None
    return EditLock(entry.locked_by, entry.locked_at, entry.lock_expires_at)


def locked_for(actor: Any, entry: PublishableCore) -> EditLock | None:
    """The lock that refuses `actor`'s changes to `entry`: someone else's, in force. The
    system (None) is never refused: what was scheduled goes live on time."""
    # Decided from the row alone: the holder's user is read only to refuse.
    if actor is None or entry.locked_by_id == actor.pk or not lock_in_force(entry):
        return None
    return lock_state(entry)


def ensure_not_locked(actor: Any, entry: PublishableCore) -> None:
    """Refuse `actor`'s save or transition while someone else holds the item's lock."""
    held = locked_for(actor, entry)
    if held is not None:
        raise ItemLocked(
            f"“{entry}” is locked by {held.holder_name} until {held.until}; "
            "ask them or an editor to unlock it.",
            details=held.as_details(),
        )


def review_due_date(model: type[PublishableCore], start: datetime | None = None) -> datetime:
    """When an item of `model` is next due for review: its type's interval, which
    CONTENT_REVIEW_INTERVAL_DAYS may override."""
    days = entry_type_for(model).review_days()
    return (start or timezone.now()) + timedelta(days=days)
