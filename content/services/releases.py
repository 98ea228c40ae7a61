"""Releases: build a named set of changes and check it as a whole (publishing, scheduling
and reverting it: content.services.release_publishing).

A release holds no rule of its own about its items. Each item goes through the lifecycle
functions a single publish or unpublish runs (content.services.checks, then
lifecycle.publish_locked / unpublish_locked), so validating, publishing and reverting
refuse an item exactly when the item's own button would: publish rights, edit locks, the
workflow's approval and blocking content policies. Validating runs those very steps in a
transaction that is always rolled back, one savepoint per item, and keeps what refused.

Managing releases needs the model permissions (`content.add_release`, `change_release`,
`delete_release`: Editors, accounts.roles); what an item needs is its own check.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_record
from accounts.roles import require_perm
from content import guards, hooks
from content.models import (
    PublishableCore,
    Release,
    ReleaseAction,
    ReleaseItem,
    ReleaseStatus,
    Revision,
)
from content.services import checks
from content.services.entries import lock
from content.services.lifecycle import publish_locked, unpublish_locked
from content.types import api_names, entry_type_for
from core.rehearsal import rehearsal
from flags.capabilities import RELEASES, capability_required

# Releases whose items may still change, and which may be published.
OPEN = (ReleaseStatus.DRAFT, ReleaseStatus.SCHEDULED, ReleaseStatus.FAILED)
# The most items one release holds (publishing 500 takes a few seconds: bench/releases.py).
MAX_ITEMS = 1000
RELEASE_FIELDS = ("name", "description")

Blockers = dict[int, list[str]]  # ReleaseItem pk → what refuses it


def ensure_release_perm(actor: Any, action: str) -> None:
    require_perm(actor, f"content.{action}_release")
    capability_required(RELEASES)  # switched off: every release write refuses (503)


def ensure_open(release: Release, verb: str) -> None:
    if release.status not in OPEN:
        raise ValidationError(
            {"status": [f"Cannot {verb} a release that is {release.get_status_display().lower()}."]}
        )


def reasons(exc: Exception) -> list[str]:
    """What a lifecycle check or guard said, as sentences."""
    if isinstance(exc, ValidationError):
        return list(exc.messages)
    return [str(exc) or "You do not have permission to perform this action."]


# --- Building a release -----------------------------------------------------------------


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    unknown = set(data) - set(RELEASE_FIELDS)
    if unknown:
        raise ValidationError({name: ["Unknown field."] for name in sorted(unknown)})
    if "name" in data and not str(data["name"] or "").strip():
        raise ValidationError({"name": ["A release needs a name."]})
    return {k: (str(v or "").strip() if k == "name" else v or "") for k, v in data.items()}


@transaction.atomic
def release_create(*, actor: Any, name: str, description: str = "") -> Release:
    ensure_release_perm(actor, "add")
    data = _clean({"name": name, "description": description})
    release = Release.objects.create(created_by=actor, **data)
    audit_record(actor=actor, action="release.create", target=release, changes=data)
    return release


@transaction.atomic
def release_update(*, actor: Any, release: Release, data: dict[str, Any]) -> Release:
    ensure_release_perm(actor, "change")
    release = Release.objects.select_for_update().get(pk=release.pk)
    ensure_open(release, "edit")
    data = _clean(data)
    changes = {k: [getattr(release, k), v] for k, v in data.items() if getattr(release, k) != v}
    for name, value in data.items():
        setattr(release, name, value)
    release.save()
    audit_record(actor=actor, action="release.update", target=release, changes=changes)
    return release


@transaction.atomic
def release_delete(*, actor: Any, release: Release) -> None:
    """Delete a release that never went out (a published one is history: revert it)."""
    ensure_release_perm(actor, "delete")
    release = Release.objects.select_for_update().get(pk=release.pk)
    ensure_open(release, "delete")
    audit_record(actor=actor, action="release.delete", target=release, metadata={"id": release.pk})
    release.delete()


def _describe(item: ReleaseItem, entry: PublishableCore) -> dict[str, Any]:
    return {
        "type": entry_type_for(entry).api_name,
        "id": entry.pk,
        "title": str(entry),
        "action": item.action,
        "revision": item.revision.number if item.revision else None,
    }


@transaction.atomic
def release_item_add(
    *,
    actor: Any,
    release: Release,
    entry: PublishableCore,
    action: str = ReleaseAction.PUBLISH,
    revision: Revision | None = None,
) -> ReleaseItem:
    """Add `entry` (or, already in, replace its action and revision): publish `revision`
    (pinned), by default its latest revision when the release goes out, or unpublish it.
    Only the item's own check says whether it may go out (validate), so an Editor can
    collect items first and fix them later."""
    ensure_release_perm(actor, "change")
    release = Release.objects.select_for_update().get(pk=release.pk)
    ensure_open(release, "change")
    if action not in ReleaseAction.values:
        raise ValidationError({"action": [f"Must be one of: {', '.join(ReleaseAction.values)}."]})
    entry = type(entry).objects.select_related("latest_revision").get(pk=entry.pk)  # its latest
    if entry.deleted_at is not None:
        raise ValidationError({"entry": ["This item is in the trash; restore it first."]})
    # The type's own content type (a runtime type's proxy), so the item loads as its type.
    content_type = ContentType.objects.get_for_model(entry, for_concrete_model=False)
    follow_latest = action == ReleaseAction.PUBLISH and revision is None
    if action == ReleaseAction.UNPUBLISH:
        revision = None
    elif revision is None:
        revision = entry.latest_revision
        if revision is None:
            raise ValidationError({"entry": ["This item has no saved revision to publish yet."]})
    elif revision.object_id != entry.pk or revision.content_type.model_class() not in (
        type(entry),
        type(entry)._meta.concrete_model,
    ):
        raise ValidationError({"revision": ["This revision belongs to another item."]})
    existing = release.items.filter(content_type=content_type, object_id=entry.pk).first()
    if existing is None and release.items.count() >= MAX_ITEMS:
        raise ValidationError({"items": [f"A release holds at most {MAX_ITEMS} items."]})
    item, _ = ReleaseItem.objects.update_or_create(
        release=release,
        content_type=content_type,
        object_id=entry.pk,
        defaults={
            "action": action,
            "revision": revision,
            "follow_latest": follow_latest,
            "blockers": [],
            "added_by": actor,
        },
    )
    release.save(update_fields=["updated_at"])
    audit_record(
        actor=actor, action="release.item_add", target=release, metadata=_describe(item, entry)
    )
    return item


@transaction.atomic
def release_item_remove(*, actor: Any, release: Release, item: ReleaseItem) -> None:
    ensure_release_perm(actor, "change")
    release = Release.objects.select_for_update().get(pk=release.pk)
    ensure_open(release, "change")
    if item.release_id != release.pk:
        raise ValidationError({"item": ["This item is not in the release."]})
    entry = item.entry
    metadata = _describe(item, entry) if entry else {"object_id": item.object_id}
    item.delete()
    release.save(update_fields=["updated_at"])
    audit_record(actor=actor, action="release.item_remove", target=release, metadata=metadata)


# --- Items through the lifecycle --------------------------------------------------------


def entries_of(items: Iterable[ReleaseItem]) -> dict[int, PublishableCore | None]:
    """Each item's entry (None: deleted since), one query per type."""
    api_names()  # runtime types' classes exist before their content types are resolved
    by_type: dict[int, list[ReleaseItem]] = defaultdict(list)
    for item in items:
        by_type[item.content_type_id].append(item)
    found: dict[int, PublishableCore | None] = {}
    for type_id, group in by_type.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        rows = (
            model.objects.select_related("latest_revision").in_bulk([i.object_id for i in group])
            if model
            else {}
        )
        for item in group:
            found[item.pk] = rows.get(item.object_id)
    return found


def going_out(item: ReleaseItem, entry: PublishableCore) -> Revision | None:
    """The revision publishing the release puts live for a publish item."""
    return entry.latest_revision if item.follow_latest else item.revision


def item_publish(entry: PublishableCore, revision: Revision | None, actor, scheduled) -> None:
    """Put `revision` live as a single publish would (check, then transition)."""
    entry = lock(entry)
    if revision is None:
        raise ValidationError("The revision to publish no longer exists; add the item again.")
    try:
        checks.publish_check(actor, entry, revision=revision)
    except REFUSALS as refusal:
        # The release lists everything to fix at once: a revision both unapproved and
        # failing a blocking policy names both, not only the first refusal.
        found = reasons(refusal)
        try:
            guards.check_publish(entry=entry, actor=actor, revision=revision, scheduled=scheduled)
        except ValidationError as guarded:
            found += reasons(guarded)
        raise ValidationError(found) from refusal
    publish_locked(entry, actor, scheduled=scheduled, revision=revision)


def item_unpublish(entry: PublishableCore, actor: Any) -> None:
    """Take the item offline as a single unpublish would (check, then transition)."""
    entry = lock(entry)
    checks.unpublish_check(actor, entry)
    unpublish_locked(entry, actor, verb="unpublish")


Step = Callable[[ReleaseItem, PublishableCore], None]
REFUSALS = (ValidationError, PermissionDenied)


def run_items(items: list[ReleaseItem], step: Step) -> Blockers:
    """Run `step` on every item, each in a savepoint, and collect what refused which; the
    caller's transaction keeps what passed (publishing rolls it all back on any refusal).
    The read model is refreshed once per type at the end (content.hooks.batch)."""
    entries = entries_of(items)
    blockers: Blockers = {}
    # One read-model refresh (and content-version bump) per type, after the last item.
    with hooks.batch():
        for item in items:
            entry = entries[item.pk]
            if entry is None:
                blockers[item.pk] = ["This item no longer exists."]
                continue
            try:
                with transaction.atomic():
                    step(item, entry)
            except REFUSALS as exc:
                blockers[item.pk] = reasons(exc)
    return blockers


def forward_step(actor: Any, *, scheduled: bool = False) -> Step:
    """What publishing the release does to one item."""

    def step(item: ReleaseItem, entry: PublishableCore) -> None:
        if item.action == ReleaseAction.PUBLISH:
            item_publish(entry, going_out(item, entry), actor, scheduled)
        else:
            item_unpublish(entry, actor)

    return step


def blockers_store(release: Release, items: list[ReleaseItem], blockers: Blockers) -> None:
    for item in items:
        item.blockers = blockers.get(item.pk, [])
    ReleaseItem.objects.bulk_update(items, ["blockers"], batch_size=500)


@contextmanager
def release_rehearsed(release: Release, actor: Any) -> Iterator[tuple[list[ReleaseItem], Blockers]]:
    """Inside the block, the database as `actor` publishing `release` now would leave it,
    rolled back when the block ends (core.rehearsal); yields the items and what would
    refuse each."""
    with rehearsal():
        items = list(release.items.select_related("content_type", "revision"))
        yield items, run_items(items, forward_step(actor))


def release_blockers(*, release: Release, actor: Any) -> Blockers:
    """What would refuse each item if `actor` published the release now: the publish itself,
    run and rolled back (nothing is stored)."""
    with release_rehearsed(release, actor) as (_, blockers):
        return blockers


def release_validate(*, release: Release, actor: Any) -> Blockers:
    """Check the release as a whole and record on each item what blocks it (none: ready).
    As `actor` would publish it, so only those who manage releases (the stored blockers are
    what every reader sees)."""
    ensure_release_perm(actor, "change")
    if not release.items.exists():
        raise ValidationError({"items": ["The release has no items yet."]})
    blockers = release_blockers(release=release, actor=actor)
    with transaction.atomic():
        items = list(release.items.all())
        blockers_store(release, items, blockers)
        audit_record(
            actor=actor,
            action="release.validate",
            target=release,
            metadata={
                "items": len(items),
                "blocked": len(blockers),
                "at": timezone.now().isoformat(),
            },
        )
    return blockers
