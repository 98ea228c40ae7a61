"""Edit locks: an Editor takes an item's lock so that nobody else changes it meanwhile.

While a lock holds (taken and not expired), every other user's save and lifecycle
transition is refused with `ItemLocked` (the admin shows the refusal, the API answers
423 Locked): `rules.ensure_not_locked` runs in entry_update, page_move, entry_set_owner
and in each transition's check (content.services.checks), so the admin offers no button
the lock would refuse. The system (actor None: the scheduler, commands) is never refused.

Taking a lock needs the `lock` permission on the item (accounts.roles: Editors and
Administrators). Its holder releases it; anyone else holding `lock` may release it too
(a forced unlock, audited as such). A lock expires after CONTENT_LOCK_SECONDS; its holder
taking it again renews it. A lock is not content: neither `version` nor `updated_at`
moves, so nobody's open copy goes stale.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_record
from content.models import PublishableCore
from content.services import rules
from content.services.entries import lock, model_label

LOCK_FIELDS = ["locked_by", "locked_at", "lock_expires_at"]


def lock_check(actor: Any, entry: PublishableCore) -> None:
    """Taking (or renewing) the lock: `lock` rights on an item not in the trash, and no
    one else's lock in force."""
    rules.ensure_not_trashed(entry)
    rules.ensure_perm(actor, entry, "lock")
    rules.ensure_not_locked(actor, entry)


def unlock_check(actor: Any, entry: PublishableCore) -> None:
    """Releasing the lock: its holder, or anyone with `lock` rights on the item."""
    held = rules.lock_state(entry)
    if held is None:
        raise ValidationError({"lock": ["The item is not locked."]})
    if (
        actor is not None
        and entry.locked_by_id != actor.pk
        and not rules.has_perm(actor, entry, "lock")
    ):
        raise PermissionDenied(f"Only {held.holder_name} or an editor may unlock “{entry}”.")


def _store(entry: PublishableCore, holder: Any, seconds: int | None) -> None:
    now = timezone.now() if holder is not None else None
    entry.locked_by = holder
    entry.locked_at = now
    entry.lock_expires_at = now + timedelta(seconds=seconds) if now and seconds else None
    # Without updated_at (auto_now writes it only when named): a lock is no change.
    entry.save(update_fields=LOCK_FIELDS)


@transaction.atomic
def entry_lock(*, entry: PublishableCore, actor: Any) -> PublishableCore:
    """Lock the item for `actor`'s editing for CONTENT_LOCK_SECONDS (renewed if theirs)."""
    entry = lock(entry)
    lock_check(actor, entry)
    renewed = rules.lock_in_force(entry)
    _store(entry, actor, settings.CONTENT_LOCK_SECONDS)
    audit_record(
        actor=actor,
        action=f"{model_label(entry)}.lock",
        target=entry,
        metadata={"expires_at": entry.lock_expires_at.isoformat(), "renewed": renewed},
    )
    return entry


@transaction.atomic
def entry_unlock(*, entry: PublishableCore, actor: Any) -> PublishableCore:
    """Release the item's lock: by its holder, or forced by another user holding `lock`."""
    entry = lock(entry)
    unlock_check(actor, entry)
    holder = entry.locked_by_id
    _store(entry, None, None)
    audit_record(
        actor=actor,
        action=f"{model_label(entry)}.unlock",
        target=entry,
        metadata={"holder": holder, "forced": actor is None or actor.pk != holder},
    )
    return entry
