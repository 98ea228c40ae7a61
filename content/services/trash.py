"""The trash: trashing takes an item (a page with its subtree) offline and hides it;
restoring brings it back as a draft or, with `republish`, live again.

Trashing remembers the revision that was live (`trashed_live_revision`), so a restore
can put exactly that revision back live, through the publish service's own pieces (its
check, and `publish_locked` with the review backend and the publishing guards): a
workflow that would refuse to publish it, or a blocking policy, refuses the restore,
and nothing changes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_record
from content import hooks
from content.models import PublishableCore, Revision, Status
from content.services import checks
from content.services.entries import lock, model_label, unique_slug
from content.services.lifecycle import publish_locked, take_offline
from content.services.references import references_rebuild
from content.services.revisions import revision_create
from content.types import entry_type_for


def _trash_one(entry: PublishableCore, now: datetime) -> bool:
    entry.trashed_live_revision_id = entry.live_revision_id
    was_live = take_offline(entry)
    if entry.status in (Status.PUBLISHED, Status.SCHEDULED):
        entry.status = Status.DRAFT
    entry.deleted_at = now
    entry.publish_at = entry.expire_at = None
    entry.version += 1
    entry.save(
        update_fields=[
            "live_revision",
            "trashed_live_revision",
            "has_unpublished_changes",
            "status",
            "deleted_at",
            "publish_at",
            "expire_at",
            "version",
            "updated_at",
        ]
    )
    references_rebuild(entry=entry)
    if was_live:
        hooks.announce(hooks.entry_unpublished, entry, reason="trash")
    else:
        hooks.announce(hooks.entry_changed, entry, action="trash")  # a draft: nothing goes offline
    return was_live


@transaction.atomic
def entry_trash(*, entry: PublishableCore, actor: Any) -> PublishableCore:
    """Move an item (for pages, the subtree) to the trash; it goes offline and can be restored."""
    entry = lock(entry)
    checks.trash_check(actor, entry)
    now = timezone.now()
    subtree = list(entry_type_for(entry).behaviour.trashes_with(entry).select_for_update())
    was_live = _trash_one(entry, now)
    live_subpages = sum(_trash_one(page, now) for page in subtree)
    audit_record(
        actor=actor,
        action=f"{model_label(entry)}.trash",
        target=entry,
        metadata={"was_live": was_live, "subpages": len(subtree), "live_subpages": live_subpages},
    )
    return entry


@transaction.atomic
def entry_restore(
    *, entry: PublishableCore, actor: Any, republish: bool = False
) -> PublishableCore:
    """Bring an item (and pages trashed with it) back from the trash: as drafts, offline; or,
    with `republish`, with the revisions that were live put back live, checked as a publish."""
    entry = lock(entry)
    checks.restore_check(actor, entry, republish=republish)
    restored = [entry, *checks.trashed_with(entry).select_for_update()]
    renamed: dict[int, list[str]] = {}
    live: list[tuple[PublishableCore, Revision]] = []
    for item in restored:
        if republish and item.trashed_live_revision_id:
            live.append((item, item.trashed_live_revision))
        item.deleted_at = None
        item.trashed_live_revision = None
        # Someone may have taken the slug meanwhile; a suffix keeps both items reachable.
        slug = unique_slug(item, item.slug)
        if slug != item.slug:
            renamed[item.pk] = [item.slug, slug]
            item.slug = slug
        item.version += 1
        item.save(
            update_fields=["deleted_at", "trashed_live_revision", "slug", "version", "updated_at"]
        )
        if item.pk in renamed:
            revision = revision_create(entry=item, actor=actor, message="Slug changed on restore")
            type(item).objects.filter(pk=item.pk).update(latest_revision=revision)
            item.latest_revision = revision
        hooks.announce(hooks.entry_changed, item, action="restore")
    entry_type_for(entry).behaviour.after_restore(entry)
    audit_record(
        actor=actor,
        action=f"{model_label(entry)}.restore",
        target=entry,
        metadata={
            "subpages": len(restored) - 1,
            "renamed": renamed,
            "republished": bool(live),
            "revisions": {item.pk: revision.number for item, revision in live},
        },
    )
    # Parents first (`restored` is in tree order), so each page's URL builds on a live one.
    for item, revision in live:
        publish_locked(item, actor, scheduled=False, revision=revision)
    return entry
