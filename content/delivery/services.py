"""Keep the delivery read model current. The only writes to DeliverySnapshot."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from content.delivery.payloads import Related, render
from content.models import (
    PUBLISHABLE_MODELS,
    Page,
    PublishableCore,
    Reference,
    Revision,
    Status,
)
from content.models.snapshots import DeliverySnapshot, SnapshotFacet

logger = logging.getLogger(__name__)

VERSION_KEY = "delivery:content-version"
_encoder = DjangoJSONEncoder(separators=(",", ":"), ensure_ascii=False)


def is_public(entry: PublishableCore, now=None) -> bool:
    """Published, live, not trashed and not expired: what the public may see."""
    now = now or timezone.now()
    return (
        entry.status == Status.PUBLISHED
        and entry.live_revision_id is not None
        and entry.deleted_at is None
        and (entry.expire_at is None or entry.expire_at > now)
    )


def content_version() -> int:
    """The counter every cached delivery response is keyed under."""
    return cache.get(VERSION_KEY) or 0


def content_version_bump() -> None:
    """Invalidate every cached delivery response at once."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.add(VERSION_KEY, 1, timeout=None)
        cache.incr(VERSION_KEY)


def snapshots_sync(entries: Sequence[PublishableCore]) -> None:
    """Write the snapshot of each public entry and remove the others' (one model per call)."""
    if not entries:
        return
    kind = entries[0]._meta.model_name
    now = timezone.now()
    public = [e for e in entries if is_public(e, now)]
    offline = [e.pk for e in entries if not is_public(e, now)]
    if offline:
        DeliverySnapshot.objects.filter(kind=kind, object_id__in=offline).delete()
    if public:
        _write(kind, public)
    transaction.on_commit(content_version_bump)


def _write(kind: str, entries: list[PublishableCore]) -> None:
    revisions = Revision.objects.in_bulk([e.live_revision_id for e in entries])
    related = Related.load(revisions[e.live_revision_id].snapshot for e in entries)
    rows, facets = [], {}
    for entry in entries:
        revision = revisions[entry.live_revision_id]
        rendered = render(entry, revision, related)
        summary = rendered.summary
        rows.append(
            DeliverySnapshot(
                kind=kind,
                object_id=entry.pk,
                revision_id=revision.pk,
                locale=summary["locale"],
                translation_key=entry.translation_key,
                slug=summary["slug"],
                url_path=summary["url"],
                tree_path=getattr(entry, "path", ""),
                parent_id=getattr(entry, "parent_id", None),
                sort_order=getattr(entry, "sort_order", 0),
                category_slug=rendered.category_slug,
                title=summary["title"],
                published_at=entry.first_published_at or revision.created_at,
                updated_at=entry.last_published_at or revision.created_at,
                search_text=rendered.search_text,
                summary_json=_encoder.encode(summary),
                detail_json=_encoder.encode(rendered.detail),
            )
        )
        facets[entry.pk] = [("tag", slug) for slug in rendered.tag_slugs] + [
            ("author", str(author)) for author in rendered.author_ids
        ]
    fields = [f.name for f in DeliverySnapshot._meta.concrete_fields if f.name != "id"]
    DeliverySnapshot.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["kind", "object_id"],
        update_fields=[f for f in fields if f not in ("kind", "object_id")],
    )
    ids = dict(
        DeliverySnapshot.objects.filter(kind=kind, object_id__in=facets).values_list(
            "object_id", "id"
        )
    )
    SnapshotFacet.objects.filter(snapshot_id__in=ids.values()).delete()
    SnapshotFacet.objects.bulk_create(
        SnapshotFacet(snapshot_id=ids[object_id], name=name, value=value)
        for object_id, values in facets.items()
        for name, value in values
    )


def snapshot_refresh(*, model: type[PublishableCore], entry_ids: Iterable[int]) -> None:
    """Re-read the entries and bring their snapshots in line (publish, unpublish, trash...).

    For pages, live descendants are refreshed too: their public paths and breadcrumbs
    follow an ancestor's slug or position.
    """
    entry_ids = list(entry_ids)
    if model is Page:
        prefixes = Page.objects.filter(pk__in=entry_ids).values_list("path", flat=True)
        for prefix in prefixes:
            entry_ids += (
                DeliverySnapshot.objects.filter(kind="page", tree_path__startswith=prefix)
                .exclude(object_id__in=entry_ids)
                .values_list("object_id", flat=True)
            )
    entries = list(model.objects.filter(pk__in=entry_ids))
    found = {e.pk for e in entries}
    missing = [pk for pk in entry_ids if pk not in found]
    if missing:  # deleted outright
        DeliverySnapshot.objects.filter(kind=model._meta.model_name, object_id__in=missing).delete()
        transaction.on_commit(content_version_bump)
    snapshots_sync(entries)


def snapshots_for_references(*, target_model: type, target_ids: Iterable[int]) -> int:
    """Rebuild the snapshots of live items that use any of the targets; returns how many."""
    target_type = ContentType.objects.get_for_model(target_model)
    refs = Reference.objects.filter(
        target_content_type=target_type, target_object_id__in=list(target_ids)
    ).values_list("source_content_type_id", "source_object_id")
    by_model: dict[type, set[int]] = {}
    for type_id, object_id in refs:
        by_model.setdefault(ContentType.objects.get_for_id(type_id).model_class(), set()).add(
            object_id
        )
    count = 0
    for model, ids in by_model.items():
        live = DeliverySnapshot.objects.filter(kind=model._meta.model_name, object_id__in=ids)
        live_ids = list(live.values_list("object_id", flat=True))
        snapshot_refresh(model=model, entry_ids=live_ids)
        count += len(live_ids)
    return count


def snapshots_rebuild_all(*, batch_size: int = 500, progress: Any = None) -> int:
    """Rebuild the whole read model from the live revisions; returns how many are public."""
    total = 0
    for model in PUBLISHABLE_MODELS:
        kind = model._meta.model_name
        candidates = model.objects.filter(
            status=Status.PUBLISHED, deleted_at__isnull=True, live_revision__isnull=False
        )
        with transaction.atomic():
            DeliverySnapshot.objects.filter(kind=kind).exclude(
                object_id__in=candidates.values("pk")
            ).delete()
        ordered = list(candidates.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ordered), batch_size):
            chunk = ordered[start : start + batch_size]
            with transaction.atomic():
                snapshots_sync(list(model.objects.filter(pk__in=chunk)))
            total += len(chunk)
            if progress:
                progress(total)
    content_version_bump()
    return total
