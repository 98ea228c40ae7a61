"""References: rebuild "entry X uses object Y" from the latest and the live snapshot."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet

from content.blocks import body_image_ids
from content.models import Article, Category, MediaAsset, Page, PublishableCore, Reference, Tag

HREF_RE = re.compile(r'href="(/[^"#?]*)')

# (snapshot field, target model). Body images and internal links are handled separately.
_FIELD_TARGETS = (
    ("cover_image", MediaAsset),
    ("og_image", MediaAsset),
    ("category", Category),
)


def _internal_paths(body: list[dict]) -> set[str]:
    paths: set[str] = set()
    for block in body or []:
        value = block.get("value") or {}
        texts = [value.get("text", ""), *value.get("items", [])]
        for text in texts:
            paths.update(HREF_RE.findall(text or ""))
    return {p if p.endswith("/") else f"{p}/" for p in paths}


def _link_targets(paths: set[str], locale_code: str) -> set[tuple[type, int]]:
    """Entries that relative links in the body point to (pages by url_path, articles by slug)."""
    if not paths:
        return set()
    found: set[tuple[type, int]] = set()
    pages = Page.objects.filter(url_path__in=paths, locale__code=locale_code, deleted_at=None)
    found.update((Page, pk) for pk in pages.values_list("pk", flat=True))
    prefix = f"/{settings.CONTENT_ARTICLE_PATH_PREFIX}/"
    slugs = {p[len(prefix) : -1] for p in paths if p.startswith(prefix)}
    if slugs:
        articles = Article.objects.filter(slug__in=slugs, locale__code=locale_code, deleted_at=None)
        found.update((Article, pk) for pk in articles.values_list("pk", flat=True))
    return found


def reference_targets(snapshot: dict[str, Any]) -> set[tuple[type, int, str]]:
    targets = {(MediaAsset, pk, "body") for pk in body_image_ids(snapshot.get("body") or [])}
    for name, model in _FIELD_TARGETS:
        if snapshot.get(name):
            targets.add((model, snapshot[name], name))
    targets.update((Tag, pk, "tags") for pk in snapshot.get("tags") or [])
    links = _link_targets(_internal_paths(snapshot.get("body")), snapshot.get("locale", ""))
    targets.update((model, pk, "body_link") for model, pk in links)
    return targets


def references_rebuild(*, entry: PublishableCore) -> None:
    """Replace the item's references with those of its latest and live snapshots."""
    source_type = ContentType.objects.get_for_model(entry)
    snapshots = [r.snapshot for r in (entry.latest_revision, entry.live_revision) if r]
    targets: set[tuple[type, int, str]] = set()
    for snapshot in snapshots:
        targets |= reference_targets(snapshot)
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


def references_clear(*, entry: PublishableCore) -> None:
    source_type = ContentType.objects.get_for_model(entry)
    Reference.objects.filter(source_content_type=source_type, source_object_id=entry.pk).delete()


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


def referencing_q(model: type, ids: set[int]) -> Q:
    """Filter for items referencing any of `ids` of `model` (for rebuilds on change)."""
    return Q(target_content_type=ContentType.objects.get_for_model(model), target_object_id__in=ids)
