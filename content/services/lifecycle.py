"""Transitions of publishable items: submit, approve, reject, publish, unpublish,
schedule, archive and revert (trash and restore: content.services.trash). Each locks
the row, runs its check (content.services.checks: the role matrix, the current status,
what the review backend says; the admin offers a button by the same check), bumps
`version`, audits, and announces.

The review backend (content.review) owns review decisions: approve and reject hand the
decision to it, and it writes the outcome through `review_outcome_apply`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_changes, audit_record
from content import guards, hooks, review
from content.models import PublishableCore, Revision, Status
from content.services import checks, rules
from content.services.entries import entry_update, lock, model_label
from content.services.redirects import redirect_auto_create
from content.services.references import references_rebuild
from content.services.revisions import revision_create, revision_data, revision_get
from content.types import EntryType, entry_type_for


def _finish(
    entry: PublishableCore,
    actor: Any,
    verb: str,
    fields: list[str],
    *,
    changed: bool = False,
    **audit: Any,
) -> PublishableCore:
    """Save, audit and, with `changed`, announce `entry_changed` (after the save: receivers
    such as the read model re-read the row)."""
    entry.version += 1
    entry.save(update_fields=[*fields, "version", "updated_at"])
    audit_record(actor=actor, action=f"{model_label(entry)}.{verb}", target=entry, **audit)
    if changed:
        hooks.announce(hooks.entry_changed, entry, action=verb)
    return entry


# --- Review -----------------------------------------------------------------------------


@transaction.atomic
def entry_submit(*, entry: PublishableCore, actor: Any, message: str = "") -> PublishableCore:
    """Send a draft for review (draft → in_review); Authors only their own.

    A live item's unpublished changes are submitted too, to the workflow that applies: the
    item stays published (its live version public) while the workflow reviews the changes."""
    entry = lock(entry)
    checks.submit_check(actor, entry)
    live = rules.live_changes(entry)
    revision = entry.latest_revision
    reviewed = review.backend().start(entry=entry, actor=actor, revision=revision)
    guards.check_submit(entry=entry, actor=actor, revision=revision)
    if live and not reviewed:
        raise ValidationError({"status": [checks.NO_WORKFLOW]})
    if not live:
        entry.status = Status.IN_REVIEW
    return _finish(entry, actor, "submit", ["status"], changed=True, metadata={"message": message})


def _review(entry: PublishableCore, actor: Any, decision: str, message: str) -> PublishableCore:
    """Hand `actor`'s decision to the review backend, and read back what it wrote."""
    entry = lock(entry)
    checks.review_check(actor, entry, decision=decision)
    review.backend().decide(entry=entry, actor=actor, decision=decision, message=message)
    entry.refresh_from_db()
    return entry


@transaction.atomic
def entry_approve(*, entry: PublishableCore, actor: Any, message: str = "") -> PublishableCore:
    """Approve an item in review (in_review → approved); reviewers and publishers only,
    and the review backend decides (a workflow: once its last step approves)."""
    return _review(entry, actor, "approve", message)


@transaction.atomic
def entry_reject(*, entry: PublishableCore, actor: Any, message: str = "") -> PublishableCore:
    """Send an item in review back to draft (in_review → draft); a rejection needs a comment."""
    return _review(entry, actor, "reject", message)


@transaction.atomic
def review_outcome_apply(
    *, entry: PublishableCore, actor: Any, decision: str, message: str = ""
) -> PublishableCore:
    """Write a review's outcome: approved, or back to draft (a live item's changes keep it
    published). Only the review backend calls this, once it reached the outcome."""
    if decision not in ("approve", "reject"):
        raise ValueError(f"A review's outcome is approve or reject, not {decision!r}.")
    entry = lock(entry)
    checks.outcome_check(actor, entry, decision=decision)
    if not rules.live_changes(entry):
        entry.status = Status.APPROVED if decision == "approve" else Status.DRAFT
    return _finish(entry, actor, decision, ["status"], changed=True, metadata={"message": message})


# --- Publishing -------------------------------------------------------------------------


def _redirect_moved_path(
    entry: PublishableCore, entry_type: EntryType, revision: Revision, previous: Revision | None
) -> None:
    """A type whose path is built from its slug: the old published path redirects to the new."""
    if entry_type.url_path is None or previous is None:
        return
    old_slug = previous.snapshot.get("slug")
    new_slug = revision.snapshot.get("slug") or entry.slug
    if old_slug and old_slug != new_slug:
        redirect_auto_create(
            old_path=entry_type.url_path(entry, old_slug),
            new_path=entry_type.url_path(entry, new_slug),
            locale=entry.locale,
            target=entry,
        )


def publish_locked(
    entry: PublishableCore, actor: Any, *, scheduled: bool, revision: Revision | None = None
) -> PublishableCore:
    """Make `revision` live (by default the latest, saved first if there is none yet).

    The caller holds the lock and ran the transition's check; the review backend (a
    workflow's approval or an audited bypass) and the guards (blocking policies) still
    have their say, and raise to refuse. A revision older
    than the latest (restore's republish) goes live with the later changes still pending.
    Publishing changes no content field: the row keeps the editor's draft as it was.
    """
    now = timezone.now()
    if revision is None:
        revision = entry.latest_revision or revision_create(entry=entry, actor=actor)
        entry.latest_revision = revision
    review.backend().on_publish(entry=entry, actor=actor, revision=revision, scheduled=scheduled)
    guards.check_publish(entry=entry, actor=actor, revision=revision, scheduled=scheduled)
    previous: Revision | None = entry.live_revision
    fields = [
        "live_revision",
        "status",
        "first_published_at",
        "last_published_at",
        "publish_at",
        "has_unpublished_changes",
        "latest_revision",
    ]
    entry.live_revision = revision
    entry.status = Status.PUBLISHED
    entry.first_published_at = entry.first_published_at or now
    entry.last_published_at = now
    entry.publish_at = None
    entry.has_unpublished_changes = revision.pk != entry.latest_revision_id
    entry_type = entry_type_for(entry)
    _redirect_moved_path(entry, entry_type, revision, previous)
    _finish(
        entry,
        actor,
        "publish",
        fields,
        metadata={"revision": revision.number, "scheduled": scheduled},
    )
    entry_type.behaviour.after_publish(entry, revision, previous)
    references_rebuild(entry=entry)
    hooks.announce(hooks.entry_published, entry, revision_id=revision.pk)
    return entry


@transaction.atomic
def entry_publish(*, entry: PublishableCore, actor: Any) -> PublishableCore:
    """Make the latest revision live; the only path to published."""
    entry = lock(entry)
    checks.publish_check(actor, entry)
    return publish_locked(entry, actor, scheduled=False)


def take_offline(entry: PublishableCore) -> bool:
    """Drop the live revision (the caller saves); whether the item was live."""
    was_live = entry.live_revision_id is not None
    entry.live_revision = None
    entry.has_unpublished_changes = True
    return was_live


def unpublish_locked(entry: PublishableCore, actor: Any, *, verb: str) -> PublishableCore:
    """Take a live item offline as a draft; the caller holds the lock and checked."""
    rules.ensure_status(entry, (Status.PUBLISHED,), verb)
    was_live = take_offline(entry)
    entry.status = Status.DRAFT
    entry.publish_at = None
    entry.expire_at = None
    fields = ["live_revision", "has_unpublished_changes", "status", "publish_at", "expire_at"]
    _finish(entry, actor, verb, fields)
    references_rebuild(entry=entry)
    if was_live:
        hooks.announce(hooks.entry_unpublished, entry, reason=verb)
    return entry


@transaction.atomic
def entry_unpublish(*, entry: PublishableCore, actor: Any) -> PublishableCore:
    """Take a published item offline; it becomes a draft (a schedule is cleared by schedule)."""
    entry = lock(entry)
    checks.unpublish_check(actor, entry)
    return unpublish_locked(entry, actor, verb="unpublish")


@transaction.atomic
def entry_schedule(
    *,
    entry: PublishableCore,
    actor: Any,
    publish_at: datetime | None,
    expire_at: datetime | None = None,
) -> PublishableCore:
    """Publish at `publish_at` and/or unpublish at `expire_at`; both None clears the schedule.

    A publish time is checked now as a publish would be (the review backend's
    `on_schedule`, then the guards); an expiry alone, or clearing the schedule, puts
    nothing new live and is not."""
    entry = lock(entry)
    checks.schedule_check(actor, entry)
    now = timezone.now()
    if publish_at is not None and publish_at <= now:
        raise ValidationError({"publish_at": ["Must be in the future; to publish now, publish."]})
    if expire_at is not None and expire_at <= (publish_at or now):
        raise ValidationError({"expire_at": ["Must be later than the publish time and now."]})
    if expire_at is not None and publish_at is None and entry.status != Status.PUBLISHED:
        raise ValidationError({"publish_at": ["Required unless the item is already published."]})
    if publish_at is not None and (
        entry.status != Status.PUBLISHED or entry.has_unpublished_changes
    ):
        # Refused now what the scheduler would refuse when due (no approval, a blocking
        # policy), so the person scheduling hears it instead of a silent retry.
        revision = entry.latest_revision
        review.backend().on_schedule(
            entry=entry, actor=actor, revision=revision, publish_at=publish_at
        )
        guards.check_schedule(entry=entry, actor=actor, revision=revision, publish_at=publish_at)
    before = {"publish_at": entry.publish_at, "expire_at": entry.expire_at, "status": entry.status}
    entry.publish_at, entry.expire_at = publish_at, expire_at
    if entry.status != Status.PUBLISHED:
        entry.status = Status.SCHEDULED if publish_at else Status.DRAFT
    changes = audit_changes(before, {name: getattr(entry, name) for name in before})
    fields = ["publish_at", "expire_at", "status"]
    return _finish(entry, actor, "schedule", fields, changed=True, changes=changes)


@transaction.atomic
def entry_archive(*, entry: PublishableCore, actor: Any) -> PublishableCore:
    """Retire an item: it goes offline and leaves every schedule; publishing revives it."""
    entry = lock(entry)
    checks.archive_check(actor, entry)
    was_live = take_offline(entry)
    entry.status = Status.ARCHIVED
    entry.publish_at = entry.expire_at = None
    fields = ["live_revision", "has_unpublished_changes", "status", "publish_at", "expire_at"]
    _finish(entry, actor, "archive", fields)
    references_rebuild(entry=entry)
    if was_live:
        hooks.announce(hooks.entry_unpublished, entry, reason="archive")
    return entry


# --- Revisions --------------------------------------------------------------------------


def revision_revert(
    *,
    entry: PublishableCore,
    actor: Any,
    number: int,
    expected_version: int | None = None,
) -> PublishableCore:
    """Restore the content of revision `number` as a new revision (history is never rewritten)."""
    revision = revision_get(entry=entry, number=number)
    return entry_update(
        entry=entry,
        actor=actor,
        data=revision_data(revision, entry=entry),
        expected_version=expected_version,
        message=f"Reverted to revision {number}",
    )
