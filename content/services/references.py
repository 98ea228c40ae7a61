"""References: rebuild "entry X uses object Y" from the latest and the live snapshot."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import QuerySet

from content.blocks import body_image_ids
from content.models import Category, MediaAsset, PublishableCore, Reference, Tag
from content.types import EntryType, entry_type_for, entry_types, publishable_models

HREF_RE = re.compile(r'href="(/[^"#?]*)')
# Stands for the slug in a type's path builder; no slug contains it (slugs are validated).
SLUG_MARK = "\x00"

# (snapshot field, target model). Body images and internal links are handled separately.
_FIELD_TARGETS = (
    ("cover_image", MediaAsset),
    ("og_image", MediaAsset),
    ("category", Category),
)


def internal_paths(body: list[dict] | None) -> set[str]:
    """The site paths relative links in a body lead to, each ending in a slash."""
    paths: set[str] = set()
    for block in body or []:
        value = block.get("value") or {}
        texts = [value.get("text", ""), *value.get("items", [])]
        for text in texts:
            paths.update(HREF_RE.findall(text or ""))
    return {p if p.endswith("/") else f"{p}/" for p in paths}


def _by_slug(entry_type: EntryType, paths: set[str], locale_code: str) -> list[tuple[str, int]]:
    """(path, id) of the type's items at `paths`, for a type whose path is built from its
    slug: the builder's path for a placeholder slug gives what comes before and after it."""
    before, _, after = entry_type.url_path(None, SLUG_MARK).partition(SLUG_MARK)
    slugs = {
        path[len(before) : len(path) - len(after)]: path
        for path in paths
        if path.startswith(before) and path.endswith(after) and len(path) > len(before + after)
    }
    if not slugs:
        return []
    items = entry_type.model.objects.filter(
        slug__in=slugs, locale__code=locale_code, deleted_at=None
    ).values_list("slug", "pk")
    return [(slugs[slug], pk) for slug, pk in items]


def entries_at(paths: set[str], locale_code: str) -> set[tuple[str, type, int]]:
    """(path, model, id) of the items not in the trash whose public path is among `paths`,
    live or not: each type's by its path builder, the page tree by its URL paths."""
    found: set[tuple[str, type, int]] = set()
    if not paths:
        return found
    for entry_type in entry_types():
        at = entry_type.behaviour.items_at(entry_type.model, paths, locale_code)
        if entry_type.url_path is not None:
            at = [*at, *_by_slug(entry_type, paths, locale_code)]
        found.update((path, entry_type.model, pk) for path, pk in at)
    return found


def _link_targets(paths: set[str], locale_code: str) -> set[tuple[type, int]]:
    """Entries that relative links in the body point to."""
    return {(model, pk) for _, model, pk in entries_at(paths, locale_code)}


def reference_targets(
    snapshot: dict[str, Any], entry_type: EntryType | None = None
) -> set[tuple[type, int, str]]:
    """(model, id, field) of what a snapshot uses; `entry_type` adds its own media fields."""
    targets = {(MediaAsset, pk, "body") for pk in body_image_ids(snapshot.get("body") or [])}
    if entry_type is not None:
        targets.update(
            (MediaAsset, pk, field) for pk, field in entry_type.behaviour.media_used(snapshot)
        )
    for name, model in _FIELD_TARGETS:
        if snapshot.get(name):
            targets.add((model, snapshot[name], name))
    targets.update((Tag, pk, "tags") for pk in snapshot.get("tags") or [])
    links = _link_targets(internal_paths(snapshot.get("body")), snapshot.get("locale", ""))
    targets.update((model, pk, "body_link") for model, pk in links)
    return targets


def references_rebuild(*, entry: PublishableCore) -> None:
    """Replace the item's references with those of its latest and live snapshots."""
    source_type = ContentType.objects.get_for_model(entry)
    snapshots = [r.snapshot for r in (entry.latest_revision, entry.live_revision) if r]
    targets: set[tuple[type, int, str]] = set()
    for snapshot in snapshots:
        targets |= reference_targets(snapshot, entry_type_for(entry))
    Reference.objects.filter(source_content_type=source_type, source_object_id=entry.pk).delete()
    types = {model: ContentType.objects.get_for_model(model) for model, _, _ in targets}
    Reference.objects.bulk_create(
        [
            Reference(
                source_content_type=source_type,
                source_object_id=entry.pk,
                target_content_type=types[model],
                target_object_id=pk,
                field=field,
            )
            for model, pk, field in sorted(targets, key=lambda t: (t[0].__name__, t[1], t[2]))
        ],
        ignore_conflicts=True,
    )


def references_rebuild_all(*, batch_size: int = 500) -> int:
    """Rebuild every item's references (trashed ones too: the trash lists what they use);
    for a database whose references predate a kind of reference (a runtime type's media
    fields). Each batch is one transaction, so a rebuild can be stopped and run again."""
    done = 0
    for model in publishable_models():
        ids = list(model._default_manager.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), batch_size):
            batch = model._default_manager.filter(pk__in=ids[start : start + batch_size])
            with transaction.atomic():
                for entry in batch.select_related("latest_revision", "live_revision"):
                    references_rebuild(entry=entry)
                    done += 1
    return done


def usage_list(*, target: Any) -> QuerySet[Reference]:
    """Where `target` is used: the references pointing at it."""
    return Reference.objects.filter(
        target_content_type=ContentType.objects.get_for_model(target), target_object_id=target.pk
    ).select_related("source_content_type")


def usage_entries(*, target: Any) -> list[dict[str, Any]]:
    """The items using `target`, as {type, id, title, status, field} (one query per type)."""
    refs = list(usage_list(target=target))
    by_type: dict[int, set[int]] = {}
    for ref in refs:
        by_type.setdefault(ref.source_content_type_id, set()).add(ref.source_object_id)
    entries: dict[tuple[int, int], Any] = {}
    for type_id, ids in by_type.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        for obj in model.objects.filter(pk__in=ids):
            entries[(type_id, obj.pk)] = obj
    rows = []
    for ref in refs:
        obj = entries.get((ref.source_content_type_id, ref.source_object_id))
        rows.append(
            {
                "type": ref.source_content_type.model,
                "id": ref.source_object_id,
                "title": getattr(obj, "title", None),
                "status": getattr(obj, "status", None),
                "trashed": getattr(obj, "deleted_at", None) is not None,
                "field": ref.field,
            }
        )
    return rows


def is_referenced(target: Any) -> bool:
    return usage_list(target=target).exists()
