"""Export the content types defined as data, then every locale, category, tag, media
asset, item of each publishable type (the built-in ones in registration order, then those
defined as data, each after the types it refers to) and redirect as JSONL.

Items in the trash are left out. Each item carries its latest content and, when it is
live, its live content too (or "latest" when they are the same revision), so published
items that have unpublished edits survive the trip. What a type's import needs beyond
its content (a page's parent and position) its EntryBehaviour adds (`export_record`).
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import IO, Any

from django.contrib.auth import get_user_model
from django.core.serializers.json import DjangoJSONEncoder

from content.exchange.keys import Keys, content_to_keys, not_content
from content.exchange.runtime_data import References, data_to_api_ids
from content.models import (
    Category,
    Locale,
    MediaAsset,
    PublishableCore,
    Redirect,
    Revision,
    Tag,
    TypeDefinition,
)
from content.runtime.definitions import describe
from content.runtime.promotion import dependency_order
from content.services.revisions import entry_snapshot
from content.types import EntryType, entry_types

CHUNK = 1000
_encoder = DjangoJSONEncoder(ensure_ascii=False, separators=(",", ":"))


def content_export(stream: IO[str]) -> dict[str, int]:
    """Write the whole site's content to `stream`, one record a line; returns counts by type."""
    counts: dict[str, int] = {}
    for record in export_records():
        stream.write(_encoder.encode(record) + "\n")
        counts[record["type"]] = counts.get(record["type"], 0) + 1
    return counts


def _runtime_order() -> list[dict[str, Any]]:
    definitions = TypeDefinition.objects.prefetch_related("fields").order_by("api_id")
    return dependency_order([describe(d) for d in definitions])


def _ordered_types() -> list[EntryType]:
    """Built-in types in registration order, then runtime types after those they refer to."""
    runtime = {t.api_name: t for t in entry_types() if t.runtime}
    ordered = [t for t in entry_types() if not t.runtime]
    return ordered + [runtime[d["api_id"]] for d in _runtime_order() if d["api_id"] in runtime]


def export_records() -> Iterator[dict[str, Any]]:
    keys = Keys()
    # The definitions first (their fields' keys kept), so an import can recreate the types.
    for definition in _runtime_order():
        yield {"type": "content_type", "definition": definition}
    locales = dict(Locale.objects.values_list("pk", "code"))
    for locale in Locale.objects.order_by("-is_default", "code"):
        yield {
            "type": "locale",
            "code": locale.code,
            "name": locale.name,
            "is_default": locale.is_default,
        }
    yield from _categories(locales, keys)
    for tag in Tag.objects.order_by("locale__code", "slug"):
        keys.tags[tag.pk] = tag.slug
        yield {"type": "tag", "locale": locales[tag.locale_id], "slug": tag.slug, "name": tag.name}
    yield from _media(keys)
    keys.users = dict(get_user_model().objects.values_list("pk", "email"))
    refs = References()
    for entry_type in _ordered_types():
        yield from _entries(entry_type, locales, keys, refs)
    yield from _redirects(locales)


def _categories(locales: dict[int, str], keys: Keys) -> Iterator[dict[str, Any]]:
    categories = {c.pk: c for c in Category.objects.all()}

    def depth(category: Category) -> int:
        n, node, seen = 0, category, set()
        while node.parent_id and node.parent_id not in seen:
            seen.add(node.parent_id)
            node, n = categories[node.parent_id], n + 1
        return n

    # Parents first, so import can always resolve `parent`.
    for category in sorted(categories.values(), key=lambda c: (depth(c), c.pk)):
        keys.categories[category.pk] = category.slug
        parent = categories.get(category.parent_id)
        yield {
            "type": "category",
            "locale": locales[category.locale_id],
            "slug": category.slug,
            "name": category.name,
            "description": category.description,
            "parent": parent.slug if parent else None,
        }


def _media(keys: Keys) -> Iterator[dict[str, Any]]:
    for asset in MediaAsset.objects.order_by("pk").iterator(chunk_size=100):
        keys.media[asset.pk] = asset.sha256
        with asset.file.open("rb") as handle:
            data = handle.read()
        yield {
            "type": "media",
            "sha256": asset.sha256,
            "filename": asset.file.name.rsplit("/", 1)[-1],
            "title": asset.title,
            "alt_text": asset.alt_text,
            "caption": asset.caption,
            "credit": asset.credit,
            "focal_point_x": asset.focal_point_x,
            "focal_point_y": asset.focal_point_y,
            "data": base64.b64encode(data).decode("ascii"),
        }


def _entries(
    entry_type: EntryType, locales: dict[int, str], keys: Keys, refs: References
) -> Iterator[dict[str, Any]]:
    queryset = entry_type.model.objects.filter(deleted_at=None)
    queryset = entry_type.behaviour.export_items(queryset)
    ids = list(queryset.values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        chunk = list(queryset.filter(pk__in=ids[start : start + CHUNK]))
        revision_ids = {r for e in chunk for r in (e.live_revision_id, e.latest_revision_id) if r}
        revisions = Revision.objects.in_bulk(revision_ids)
        for entry in chunk:
            record = _entry(entry_type, entry, revisions, locales, keys)
            if entry_type.runtime:  # its values by field api_id, as the definition names them
                for content in (record["latest"], record["live"]):
                    if isinstance(content, dict):
                        content["data"] = data_to_api_ids(
                            entry_type, content.get("data"), keys, refs
                        )
            yield record


def _entry(
    entry_type: EntryType,
    entry: PublishableCore,
    revisions: dict[int, Revision],
    locales: dict[int, str],
    keys: Keys,
) -> dict[str, Any]:
    latest = revisions.get(entry.latest_revision_id)
    # Every save writes a revision, so this is a fallback for rows written by hand.
    latest_snapshot = latest.snapshot if latest else entry_snapshot(entry)
    skip = not_content(entry_type)
    if entry.live_revision_id is None:
        live: Any = None
    elif entry.live_revision_id == entry.latest_revision_id:
        live = "latest"
    else:
        live = content_to_keys(revisions[entry.live_revision_id].snapshot, keys, skip)
    record = {
        "type": entry_type.api_name,
        "locale": locales[entry.locale_id],
        "translation_key": str(entry.translation_key),
        "owner": keys.users.get(entry.owner_id),
        "status": entry.status,
        "first_published_at": entry.first_published_at,
        "last_published_at": entry.last_published_at,
        "publish_at": entry.publish_at,
        "expire_at": entry.expire_at,
        "latest": content_to_keys(latest_snapshot, keys, skip),
        "live": live,
    }
    entry_type.behaviour.export_record(entry, record)
    return record


def _redirects(locales: dict[int, str]) -> Iterator[dict[str, Any]]:
    targets: dict[tuple[type, int], dict[str, str]] = {}
    for entry_type in entry_types():
        items = entry_type.model.objects.filter(deleted_at=None)
        for pk, key, locale_id in items.values_list("pk", "translation_key", "locale_id"):
            targets[(entry_type.model, pk)] = {
                "type": entry_type.api_name,
                "locale": locales[locale_id],
                "translation_key": str(key),
            }
    for redirect in Redirect.objects.select_related("target_content_type").order_by("pk"):
        target = None
        if redirect.target_content_type_id:
            model = redirect.target_content_type.model_class()
            target = targets.get((model, redirect.target_object_id))
        yield {
            "type": "redirect",
            "locale": locales[redirect.locale_id],
            "old_path": redirect.old_path,
            "new_path": redirect.new_path,
            "is_permanent": redirect.is_permanent,
            "is_auto": redirect.is_auto,
            "target": target,
        }
