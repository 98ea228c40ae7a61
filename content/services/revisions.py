"""Revisions: snapshots written on every save, listed, diffed and reverted."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Max, QuerySet

from content.models import PublishableCore, Revision
from content.types import entry_type_for, publishable_models

# Ownership has its own path (entry_set_owner): a revert leaves the owner alone.
NOT_REVERTED = ("owner",)


def _value(entry: PublishableCore, name: str) -> Any:
    if name == "locale":
        return entry.locale.code
    field = entry._meta.get_field(name)
    if field.many_to_many:
        if entry.pk is None:
            return []
        return sorted(getattr(entry, name).values_list("pk", flat=True))
    if field.is_relation:
        return getattr(entry, field.attname)
    value = getattr(entry, name)
    return value.isoformat() if hasattr(value, "isoformat") else value


def entry_snapshot(entry: PublishableCore) -> dict[str, Any]:
    """The full, JSON-ready state of the item's content (relations as ids, locale as code)."""
    return {name: _value(entry, name) for name in entry_type_for(entry).snapshot_fields}


def revision_create(*, entry: PublishableCore, actor: Any, message: str = "") -> Revision:
    """Append the next numbered revision; the caller holds the row lock on `entry`."""
    content_type = ContentType.objects.get_for_model(entry)
    last = Revision.objects.filter(content_type=content_type, object_id=entry.pk).aggregate(
        last=Max("number")
    )["last"]
    return Revision.objects.create(
        content_type=content_type,
        object_id=entry.pk,
        number=(last or 0) + 1,
        snapshot=entry_snapshot(entry),
        author=actor,
        message=message[:500],
    )


def revision_list(*, entry: PublishableCore) -> QuerySet[Revision]:
    content_type = ContentType.objects.get_for_model(entry)
    return (
        Revision.objects.filter(content_type=content_type, object_id=entry.pk)
        .select_related("author")
        .order_by("-number")
    )


def revision_get(*, entry: PublishableCore, number: int) -> Revision:
    revision = revision_list(entry=entry).filter(number=number).first()
    if revision is None:
        raise ValidationError({"number": [f"Revision {number} does not exist."]})
    return revision


def revision_diff(*, old: Revision, new: Revision) -> dict[str, dict[str, Any]]:
    """Field-by-field differences between two snapshots: {field: {"from", "to"}}."""
    names = list(dict.fromkeys([*old.snapshot, *new.snapshot]))
    return {
        name: {"from": old.snapshot.get(name), "to": new.snapshot.get(name)}
        for name in names
        if old.snapshot.get(name) != new.snapshot.get(name)
    }


def revision_data(revision: Revision, *, entry: PublishableCore) -> dict[str, Any]:
    """The editable fields of `entry`'s snapshot, as data for entry_update (a revert);
    structural fields (locale, a page's parent and path: moves have their own path), the
    owner and the type's `keep_on_revert` stay as they are. The type is the entry's: a
    runtime type's revisions are filed under the concrete Entry's content type."""
    entry_type = entry_type_for(entry)
    kept = (
        set(entry_type.snapshot_fields) - set(entry_type.editable_fields)
        | set(NOT_REVERTED)
        | set(entry_type.keep_on_revert)
    )
    return {k: v for k, v in revision.snapshot.items() if k not in kept}


def revisions_purge(*, keep: int, older_than_days: int, dry_run: bool = False) -> int:
    """Delete old revisions beyond the newest `keep` per item; never a live or latest one,
    nor one a trashed item would put back live on restore."""
    from datetime import timedelta

    from django.db.models import F, Window
    from django.db.models.functions import RowNumber
    from django.utils import timezone

    from accounts.audit import audit_record

    if keep < 1 or older_than_days < 0:
        raise ValidationError("Keep at least one revision; the age cannot be negative.")
    cutoff = timezone.now() - timedelta(days=older_than_days)
    protected: set[int] = set()
    for model in publishable_models():
        kept = model.objects.values_list(
            "live_revision_id", "latest_revision_id", "trashed_live_revision_id"
        )
        for ids in kept:
            protected.update(pk for pk in ids if pk)
    ranked = Revision.objects.annotate(
        rank=Window(
            RowNumber(),
            partition_by=[F("content_type"), F("object_id")],
            order_by=F("number").desc(),
        )
    ).filter(rank__gt=keep)
    doomed = [
        pk
        for pk, created_at in ranked.values_list("pk", "created_at").iterator(chunk_size=5000)
        if created_at < cutoff and pk not in protected
    ]
    if dry_run or not doomed:
        return len(doomed)
    for start in range(0, len(doomed), 1000):
        Revision.objects.filter(pk__in=doomed[start : start + 1000]).delete()
    audit_record(
        actor=None,
        action="revision.purge",
        metadata={"deleted": len(doomed), "keep": keep, "older_than_days": older_than_days},
    )
    return len(doomed)
