"""Ownership and review dates: every item has an owner and a date to be looked at again."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts.audit import audit_record
from content.models import PublishableCore
from content.services.entries import lock, model_label
from content.services.rules import DENIED, ensure_not_locked, has_perm, review_due_date


def _ensure_can_review_dates(actor: Any, entry: PublishableCore) -> None:
    # The owner vouches for their own item; editors (who may publish it) for anyone's.
    if actor is None or actor.pk == entry.owner_id or has_perm(actor, entry, "publish"):
        return
    raise PermissionDenied(DENIED)


@transaction.atomic
def entry_mark_reviewed(*, entry: PublishableCore, actor: Any, note: str = "") -> PublishableCore:
    """Record that the item is still right, and push its review date one interval on."""
    entry = lock(entry)
    _ensure_can_review_dates(actor, entry)
    before = entry.next_review_at
    entry.next_review_at = review_due_date(type(entry))
    type(entry).objects.filter(pk=entry.pk).update(next_review_at=entry.next_review_at)
    audit_record(
        actor=actor,
        action=f"{model_label(entry)}.mark_reviewed",
        target=entry,
        changes={"next_review_at": [before, entry.next_review_at]},
        metadata={"note": note[:500]} if note else None,
    )
    return entry


@transaction.atomic
def entry_set_owner(*, entry: PublishableCore, actor: Any, owner_id: int) -> PublishableCore:
    """Hand an item to another active user; needs the right to change anyone's items."""
    entry = lock(entry)
    if actor is not None and not has_perm(actor, entry, "publish"):
        raise PermissionDenied(DENIED)
    ensure_not_locked(actor, entry)
    owner = get_user_model().objects.filter(pk=owner_id, is_active=True).first()
    if owner is None:
        raise ValidationError({"owner": ["Choose an active user."]})
    before = entry.owner_id
    type(entry).objects.filter(pk=entry.pk).update(owner=owner)
    entry.owner = owner
    audit_record(
        actor=actor,
        action=f"{model_label(entry)}.set_owner",
        target=entry,
        changes={"owner": [before, owner.pk]},
    )
    return entry
