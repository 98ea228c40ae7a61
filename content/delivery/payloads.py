"""Build the public JSON of published items from their live revisions.

Every type's items share the common keys, body and SEO fields, rendered here; the keys
that follow the common ones are the type's own, from its EntryDelivery (content.delivery
.entries), with relations expanded one level. Lookups are done in bulk for a batch of
items, so rebuilding thousands of snapshots costs a handful of queries per batch, not per
item.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from content.blocks import body_image_ids, plain_text
from content.models import MediaAsset, PublishableCore, Revision

if TYPE_CHECKING:
    from content.delivery.entries import EntryDelivery


def media_payload(asset: MediaAsset | None) -> dict[str, Any] | None:
    if asset is None:
        return None
    return {
        "id": asset.pk,
        "title": asset.title,
        "url": asset.file.url,
        "kind": asset.kind,
        "width": asset.width,
        "height": asset.height,
        "alt": asset.alt_text,
        "caption": asset.caption,
        "credit": asset.credit,
        "focal_point": (
            {"x": asset.focal_point_x, "y": asset.focal_point_y}
            if asset.focal_point_x is not None
            else None
        ),
    }


@dataclass
class Related:
    """Bulk-loaded objects that a batch of one type's snapshots refers to: media, and what
    the type's delivery loaded for its own keys (EntryDelivery.load)."""

    media: dict[int, MediaAsset] = field(default_factory=dict)
    loaded: Any = None
    # Payloads by media id: a batch shares a few images, and building a URL is not free.
    _media_payloads: dict[int, dict[str, Any] | None] = field(default_factory=dict)

    def media_payload(self, pk: int | None) -> dict[str, Any] | None:
        if pk not in self._media_payloads:
            self._media_payloads[pk] = media_payload(self.media.get(pk))
        return self._media_payloads[pk]

    @classmethod
    def load(cls, snapshots: Iterable[dict[str, Any]], delivery: EntryDelivery) -> Related:
        snapshots = list(snapshots)
        media: set[int] = set()
        for snap in snapshots:
            media.update(i for i in (*delivery.media_ids(snap), snap.get("og_image")) if i)
            media.update(body_image_ids(snap.get("body") or []))
        return cls(media=MediaAsset.objects.in_bulk(media), loaded=delivery.load(snapshots))


def body_text(body: list[dict[str, Any]]) -> str:
    """The readable text of a body, for the search index."""
    parts: list[str] = []
    for block in body:
        value = block.get("value") or {}
        parts.extend(plain_text(value[k]) for k in ("text", "caption") if value.get(k))
        parts.extend(plain_text(item) for item in value.get("items") or [])
    return " ".join(parts)


def body_blocks(body: list[dict[str, Any]], related: Related) -> list[dict[str, Any]]:
    """Body blocks as delivered: images as media objects, dangling ones left out."""
    out = []
    for block in body:
        if block.get("type") == "image":
            value = dict(block["value"])
            image = related.media_payload(value.get("image"))
            if image is None:
                continue  # the asset was deleted; never ship a dangling reference
            value["image"] = image
            value.setdefault("alt", image["alt"])
            block = {"type": "image", "value": value}
        out.append(block)
    return out


@dataclass
class Extras:
    """A type's own part of an item: the keys after the common ones, the text they add to
    the search index, and the snapshot columns and facets its filters read."""

    fields: dict[str, Any]
    search_text: str = ""
    # DeliverySnapshot columns beyond the common ones (category_slug, tree_path, ...).
    columns: dict[str, Any] = field(default_factory=dict)
    facets: list[tuple[str, str]] = field(default_factory=list)
    # Typed values filters and orderings read (SnapshotValue): (name, text, number,
    # moment, boolean), one column set.
    values: list[tuple] = field(default_factory=list)


@dataclass
class Rendered:
    """A snapshot's public JSON plus the columns delivery filters on."""

    summary: dict[str, Any]
    detail: dict[str, Any]
    search_text: str
    columns: dict[str, Any]
    facets: list[tuple[str, str]]
    values: list[tuple] = field(default_factory=list)


def first_day(entry: PublishableCore) -> str | None:
    """The day the item first went live, in the site's time zone."""
    first = entry.first_published_at
    return timezone.localdate(first).isoformat() if first else None


def render(
    entry: PublishableCore, revision: Revision, related: Related, delivery: EntryDelivery
) -> Rendered:
    """The public shape of `entry` as of `revision` (its live or previewed revision)."""
    snap = revision.snapshot
    og_image = related.media_payload(snap.get("og_image"))
    # Order matters: content.frontend.absolute_json finds "url" as the first key after
    # scalars only, and a linked item (a page's "parent") right after the two dates.
    # `url` is a path; the frontend's base is added when a response is built, so
    # snapshots survive a new base.
    common = {
        "id": entry.pk,
        "type": delivery.kind,
        "title": snap["title"],
        "slug": snap["slug"],
        "locale": snap["locale"],
        "translation_key": str(entry.translation_key),
        "url": delivery.url(entry, snap["slug"]),
        "published_at": (entry.first_published_at or revision.created_at).isoformat(),
        "updated_at": (entry.last_published_at or revision.created_at).isoformat(),
    }
    seo = {
        "title": snap.get("seo_title") or snap["title"],
        "description": snap.get("meta_description") or "",
        "og_image": og_image,
    }
    body = body_blocks(snap.get("body") or [], related)
    extras = delivery.extras(entry, snap, related)
    text = " ".join([snap["title"], extras.search_text, body_text(snap.get("body") or [])])
    summary = {**common, **extras.fields}
    detail = {**summary, "body": body, "seo": seo}
    return Rendered(summary, detail, text, extras.columns, extras.facets, extras.values)
