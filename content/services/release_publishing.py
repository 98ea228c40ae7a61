"""Publishing a release atomically, now or at its time (exactly once), and reverting it.

Publishing takes the release's row lock, then puts every item through the lifecycle
(content.services.releases.forward_step) in ONE transaction, each item in a savepoint so
every refusal is heard. Any refusal rolls the whole transaction back, so nothing goes
live; the release is then marked failed in a second transaction, with each item's reasons.

Due releases are taken like scheduled items (content.services.scheduling): the row under
`select_for_update(skip_locked=True)` and re-checked under the lock, so of several
schedulers running at once one publishes and the others skip it. A scheduled release is
published by the system, as scheduled items are: the person scheduling it was checked
(every item's publish, as that person) when scheduling.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_record
from content import hooks
from content.models import PublishableCore, Release, ReleaseAction, ReleaseItem, ReleaseStatus
from content.services.releases import (
    OPEN,
    Blockers,
    Step,
    blockers_store,
    ensure_open,
    ensure_release_perm,
    entries_of,
    forward_step,
    going_out,
    item_publish,
    item_unpublish,
    release_validate,
    run_items,
)
from content.types import entry_type_for
from flags.capabilities import RELEASES, capability_on

logger = logging.getLogger(__name__)

SYSTEM = None


class ReleaseBlocked(ValidationError):
    """Items refused: nothing changed. `details["items"]` lists each with its reasons."""

    def __init__(self, message: str, items: list[dict[str, Any]]):
        super().__init__(message)
        self.details = {"items": items}


def _blocked(release: Release, items: list[ReleaseItem], blockers: Blockers, verb: str):
    entries = entries_of(items)
    listed = [
        {
            "item": item.pk,
            "type": entry_type_for(entries[item.pk]).api_name if entries[item.pk] else None,
            "id": item.object_id,
            "reasons": blockers[item.pk],
        }
        for item in items
        if item.pk in blockers
    ]
    message = f"{len(listed)} of {len(items)} item(s) refused, so nothing was {verb}."
    return ReleaseBlocked(message, listed)


class _Refused(Exception):
    def __init__(self, blockers: Blockers):
        self.blockers = blockers


def _items(release: Release) -> list[ReleaseItem]:
    return list(release.items.select_related("revision", "previous_revision"))


def _payload(release: Release, items: list[ReleaseItem]) -> list[dict[str, Any]]:
    entries = entries_of(items)
    return [
        {
            "type": entry_type_for(entries[i.pk]).api_name,
            "id": i.object_id,
            "action": i.action,
            "revision": i.revision.number if i.revision else None,
        }
        for i in items
        if entries[i.pk] is not None
    ]


def _record_previous(items: list[ReleaseItem]) -> None:
    """Note each item's live revision before the release, for the revert, and the revision
    that goes out (an item following the latest: its latest now)."""
    entries = entries_of(items)
    for item in items:
        entry = entries[item.pk]
        item.previous_revision_id = entry.live_revision_id if entry else None
        if entry is not None and item.action == ReleaseAction.PUBLISH:
            item.revision = going_out(item, entry)
        item.blockers = []
    ReleaseItem.objects.bulk_update(
        items, ["previous_revision", "revision", "blockers"], batch_size=500
    )


def _go_live(release: Release, actor: Any, *, scheduled: bool) -> Release:
    """Inside the caller's transaction, holding the release's lock: every item, or raise."""
    items = _items(release)
    if not items:
        raise ValidationError({"items": ["The release has no items."]})
    release.status = ReleaseStatus.PUBLISHING
    release.save(update_fields=["status", "updated_at"])
    _record_previous(items)
    # Announced first (the webhook `release.published`), then each item's own events; all
    # written in this transaction, so a refusal below takes them back with everything else.
    hooks.announce_release(hooks.release_published, release, items=_payload(release, items))
    blockers = run_items(items, forward_step(actor, scheduled=scheduled))
    if blockers:
        raise _Refused(blockers)
    release.status = ReleaseStatus.PUBLISHED
    release.published_at = timezone.now()
    release.published_by = actor
    release.failure = ""
    release.save(update_fields=["status", "published_at", "published_by", "failure", "updated_at"])
    audit_record(
        actor=actor,
        action="release.publish",
        target=release,
        metadata={"items": len(items), "scheduled": scheduled},
    )
    return release


def _fail(release_id: int, actor: Any, blockers: Blockers, verb: str, status: str):
    """Record, after the rollback, why the release did not go out (or back)."""
    with transaction.atomic():
        release = Release.objects.select_for_update().get(pk=release_id)
        items = _items(release)
        error = _blocked(release, items, blockers, verb)
        release.status = status
        release.failure = error.messages[0]
        release.save(update_fields=["status", "failure", "updated_at"])
        blockers_store(release, items, blockers)
        audit_record(
            actor=actor,
            action=f"release.{'publish' if verb == 'published' else 'revert'}_failed",
            target=release,
            metadata={"items": error.details["items"]},
        )
    return error


def release_publish(*, release: Release, actor: Any) -> Release:
    """Publish every item now, all or nothing (`actor` needs publish rights on each)."""
    ensure_release_perm(actor, "change")
    try:
        with transaction.atomic():
            locked = Release.objects.select_for_update().get(pk=release.pk)
            ensure_open(locked, "publish")
            return _go_live(locked, actor, scheduled=False)
    except _Refused as refused:
        raise _fail(
            release.pk, actor, refused.blockers, "published", ReleaseStatus.FAILED
        ) from None


def release_schedule(*, release: Release, actor: Any, publish_at: datetime | None) -> Release:
    """Publish at `publish_at` (None: unschedule). What the publish would refuse `actor` now
    is refused now, item by item (and recorded on the items), so the person scheduling
    hears it; the scheduler checks again when the time comes."""
    ensure_release_perm(actor, "change")
    if publish_at is not None:
        if publish_at <= timezone.now():
            raise ValidationError(
                {"publish_at": ["Must be in the future; to publish now, publish."]}
            )
        ensure_open(release, "schedule")
        blockers = release_validate(release=release, actor=actor)
        if blockers:
            raise _blocked(release, _items(release), blockers, "scheduled")
    with transaction.atomic():
        release = Release.objects.select_for_update().get(pk=release.pk)
        ensure_open(release, "schedule")
        before = release.publish_at
        release.publish_at = publish_at
        release.status = ReleaseStatus.SCHEDULED if publish_at else ReleaseStatus.DRAFT
        release.save(update_fields=["publish_at", "status", "updated_at"])
        audit_record(
            actor=actor,
            action="release.schedule",
            target=release,
            changes={"publish_at": [before, publish_at]},
        )
    return release


def _publish_due_one(pk: int, now: datetime) -> str | None:
    """Publish one due release if no other scheduler holds it; its outcome, or None."""
    try:
        with transaction.atomic():
            release = (
                Release.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, status=ReleaseStatus.SCHEDULED, publish_at__lte=now)
                .first()
            )
            if release is None:
                return None  # another scheduler has it, or had it
            _go_live(release, SYSTEM, scheduled=True)
            return "published"
    except _Refused as refused:
        error = _fail(pk, SYSTEM, refused.blockers, "published", ReleaseStatus.FAILED)
        logger.warning("Scheduled release %s was refused: %s", pk, error.messages[0])
        return "failed"


def releases_publish_due(*, now: datetime | None = None) -> dict[str, list[int]]:
    """Publish every release whose time has come, each exactly once."""
    now = now or timezone.now()
    due = Release.objects.filter(status=ReleaseStatus.SCHEDULED, publish_at__lte=now)
    outcome: dict[str, list[int]] = {"published": [], "failed": []}
    if not capability_on(RELEASES):
        # Switched off: due releases wait, and go out on the first run once it is on again.
        if due.exists():
            logger.warning("Releases are switched off: due scheduled releases wait.")
        return outcome
    for pk in list(due.order_by("publish_at").values_list("pk", flat=True)):
        result = _publish_due_one(pk, now)
        if result:
            outcome[result].append(pk)
    return outcome


# --- Revert -----------------------------------------------------------------------------


def _back_step(actor: Any) -> Step:
    """Undo one item: its previous live revision live again, or offline if it was not live."""

    def step(item: ReleaseItem, entry) -> None:
        if item.previous_revision_id is not None:
            if entry.live_revision_id != item.previous_revision_id:
                item_publish(entry, item.previous_revision, actor, False)
        elif item.action == ReleaseAction.PUBLISH and entry.live_revision_id is not None:
            item_unpublish(entry, actor)

    return step


CHANGED_SINCE = "Changed since the release went out."


def changed_since(
    items: list[ReleaseItem], entries: dict[int, PublishableCore | None] | None = None
) -> list[dict[str, Any]]:
    """The items whose live state is no longer what the release made it: published again,
    unpublished or republished by someone since. A revert would undo that work too.
    `entries`: the items' entries, when the caller has loaded them (releases.entries_of)."""
    entries = entries_of(items) if entries is None else entries
    changed = []
    for item in items:
        entry = entries[item.pk]
        if entry is None:
            continue
        if item.action == ReleaseAction.PUBLISH:
            moved = entry.live_revision_id != item.revision_id
        else:
            moved = entry.live_revision_id is not None
        if moved:
            changed.append(
                {
                    "item": item.pk,
                    "type": entry_type_for(entry).api_name,
                    "id": item.object_id,
                    "reasons": [CHANGED_SINCE],
                }
            )
    return changed


def release_revert(*, release: Release, actor: Any, overwrite_later: bool = False) -> Release:
    """Restore each item's live revision from before the release, all or nothing. Items
    changed since the release refuse it unless `overwrite_later` (ReleaseBlocked lists them)."""
    ensure_release_perm(actor, "change")
    try:
        with transaction.atomic():
            locked = Release.objects.select_for_update().get(pk=release.pk)
            if locked.status != ReleaseStatus.PUBLISHED:
                raise ValidationError({"status": ["Only a published release can be reverted."]})
            items = _items(locked)
            changed = [] if overwrite_later else changed_since(items)
            if changed:
                raise ReleaseBlocked(
                    f"{len(changed)} item(s) changed since the release went out; reverting"
                    " would undo those changes too. Revert anyway to overwrite them.",
                    changed,
                )
            hooks.announce_release(hooks.release_reverted, locked, items=_payload(locked, items))
            blockers = run_items(items, _back_step(actor))
            if blockers:
                raise _Refused(blockers)
            locked.status = ReleaseStatus.REVERTED
            locked.reverted_at = timezone.now()
            locked.failure = ""
            locked.save(update_fields=["status", "reverted_at", "failure", "updated_at"])
            blockers_store(locked, items, {})
            audit_record(
                actor=actor, action="release.revert", target=locked, metadata={"items": len(items)}
            )
            return locked
    except _Refused as refused:
        raise _fail(
            release.pk, actor, refused.blockers, "reverted", ReleaseStatus.PUBLISHED
        ) from None


__all__ = [
    "OPEN",
    "ReleaseBlocked",
    "changed_since",
    "release_publish",
    "release_revert",
    "release_schedule",
    "releases_publish_due",
]
