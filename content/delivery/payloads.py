"""Build the public JSON of published items from their live revisions.

Relations are expanded one level (category, tags, authors, images). Lookups are done
in bulk for a batch of items, so rebuilding thousands of snapshots costs a handful of
queries per batch, not per item.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.db.models.fields.json import KeyTextTransform
from django.utils import timezone

from content.blocks import body_image_ids, plain_text
from content.models import (
    Article,
    Category,
    MediaAsset,
    Page,
    PublishableCore,
    Revision,
    Status,
    Tag,
)


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
    """Bulk-loaded objects that a batch of snapshots refers to."""

    media: dict[int, MediaAsset] = field(default_factory=dict)
    categories: dict[int, Category] = field(default_factory=dict)
    tags: dict[int, Tag] = field(default_factory=dict)
    authors: dict[int, Any] = field(default_factory=dict)
    pages: dict[int, Page] = field(default_factory=dict)
    # Payloads by media id: a batch shares a few images, and building a URL is not free.
    _media_payloads: dict[int, dict[str, Any] | None] = field(default_factory=dict)

    def media_payload(self, pk: int | None) -> dict[str, Any] | None:
        if pk not in self._media_payloads:
            self._media_payloads[pk] = media_payload(self.media.get(pk))
        return self._media_payloads[pk]

    @classmethod
    def load(cls, snapshots: Iterable[dict[str, Any]]) -> Related:
        media, categories, tags, authors, pages = set(), set(), set(), set(), set()
        for snap in snapshots:
            media.update(i for i in (snap.get("cover_image"), snap.get("og_image")) if i)
            media.update(body_image_ids(snap.get("body") or []))
            if snap.get("category"):
                categories.add(snap["category"])
            tags.update(snap.get("tags") or [])
            authors.update(snap.get("authors") or [])
            if snap.get("parent"):
                pages.add(snap["parent"])
        user_model = get_user_model()
        return cls(
            media=MediaAsset.objects.in_bulk(media),
            categories=Category.objects.in_bulk(categories),
            tags=Tag.objects.in_bulk(tags),
            authors=user_model.objects.only("id", "full_name", "email").in_bulk(authors),
            pages=_live_pages(pages),
        )


def _live_pages(ids: set[int]) -> dict[int, Page]:
    """Parent pages as the public sees them: live ones only, with their live title.

    `Page.title` is the draft's; a parent's unpublished edit (or a draft parent) must not
    show through its children's payloads.
    """
    if not ids:
        return {}
    live = Page.objects.filter(
        Q(expire_at__isnull=True) | Q(expire_at__gt=timezone.now()),
        pk__in=ids,
        status=Status.PUBLISHED,
        deleted_at__isnull=True,
        live_revision__isnull=False,
    ).annotate(live_title=KeyTextTransform("title", "live_revision__snapshot"))
    pages = {}
    for page in live.only("id", "url_path"):
        page.title = page.live_title
        pages[page.pk] = page
    return pages


def body_text(body: list[dict[str, Any]]) -> str:
    """The readable text of a body, for the search index."""
    parts: list[str] = []
    for block in body:
        value = block.get("value") or {}
        parts.extend(plain_text(value[k]) for k in ("text", "caption") if value.get(k))
        parts.extend(plain_text(item) for item in value.get("items") or [])
    return " ".join(parts)


def _body(body: list[dict[str, Any]], related: Related) -> list[dict[str, Any]]:
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


def _category(category: Category | None) -> dict[str, Any] | None:
    if category is None:
        return None
    return {"id": category.pk, "name": category.name, "slug": category.slug}


@dataclass
class Rendered:
    """A snapshot's public JSON plus the columns delivery filters on."""

    summary: dict[str, Any]
    detail: dict[str, Any]
    search_text: str
    category_slug: str
    tag_slugs: list[str]
    author_ids: list[int]


def _first_day(entry: PublishableCore) -> str | None:
    first = entry.first_published_at
    return timezone.localdate(first).isoformat() if first else None


def render(entry: PublishableCore, revision: Revision, related: Related) -> Rendered:
    """The public shape of `entry` as of `revision` (its live or previewed revision)."""
    snap = revision.snapshot
    kind = entry._meta.model_name
    og_image = related.media_payload(snap.get("og_image"))
    # Order matters: content.frontend.absolute_json finds "url" as the first key after
    # scalars only, and a page's "parent" right after the two dates. `url` is a path; the
    # frontend's base is added when a response is built, so snapshots survive a new base.
    common = {
        "id": entry.pk,
        "type": kind,
        "title": snap["title"],
        "slug": snap["slug"],
        "locale": snap["locale"],
        "translation_key": str(entry.translation_key),
        # Pages: the row's url_path, recomputed from the public slugs when publishing.
        "url": entry.url_path if kind == "page" else entry_url(entry, snap["slug"]),
        "published_at": (entry.first_published_at or revision.created_at).isoformat(),
        "updated_at": (entry.last_published_at or revision.created_at).isoformat(),
    }
    seo = {
        "title": snap.get("seo_title") or snap["title"],
        "description": snap.get("meta_description") or "",
        "og_image": og_image,
    }
    body = _body(snap.get("body") or [], related)
    text = " ".join([snap["title"], snap.get("summary") or "", body_text(snap.get("body") or [])])
    if kind == "article":
        category = related.categories.get(snap.get("category"))
        tags = [related.tags[t] for t in snap.get("tags") or [] if t in related.tags]
        authors = [related.authors[a] for a in snap.get("authors") or [] if a in related.authors]
        relations = {
            "summary": snap.get("summary") or "",
            # The editor's date, else the day it first went live (publishing never writes
            # a date into the draft: a field nobody touched stays as it was).
            "published_date": snap.get("published_date") or _first_day(entry),
            "category": _category(category),
            "tags": [{"id": t.pk, "name": t.name, "slug": t.slug} for t in tags],
            "authors": [{"id": a.pk, "name": a.get_full_name()} for a in authors],
            "cover_image": related.media_payload(snap.get("cover_image")),
        }
        summary = {**common, **relations}
        detail = {**summary, "body": body, "seo": seo}
        return Rendered(
            summary=summary,
            detail=detail,
            search_text=text,
            category_slug=category.slug if category else "",
            tag_slugs=[t.slug for t in tags],
            author_ids=[a.pk for a in authors],
        )
    parent = related.pages.get(snap.get("parent"))
    parent_ref = (
        {"id": parent.pk, "title": parent.title, "url": parent.url_path} if parent else None
    )
    summary = {**common, "parent": parent_ref}
    detail = {**summary, "body": body, "seo": seo}
    return Rendered(summary, detail, text, "", [], [])


def entry_url(entry: PublishableCore, slug: str) -> str:
    if isinstance(entry, Article):
        return f"/{settings.CONTENT_ARTICLE_PATH_PREFIX}/{slug}/"
    return entry.url_path
