"""Delivery endpoints: read-only, published-only, answered from the snapshot table."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import CharField, DateTimeField, Value
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound

from content import frontend
from content.delivery import compiled
from content.delivery import query as q
from content.delivery.compiled import Param
from content.delivery.endpoint import DeliveryView
from content.delivery.http import Payload, respond
from content.delivery.listing import entry_list
from content.delivery.payloads import Related, media_payload, render
from content.delivery.registry import entry_deliveries, entry_delivery_for, snapshot_kind
from content.delivery.schema import (
    CategoryListSerializer,
    MediaSerializer,
    RedirectSerializer,
    TagListSerializer,
    preview_serializer,
)
from content.models import Category, MediaAsset, Redirect, Tag
from content.models.snapshots import DeliverySnapshot
from content.services import preview_token_load, rendition_get_or_create

if TYPE_CHECKING:
    from content.delivery.entries import EntryDelivery

# What a detail takes, in the order the schema lists them.
DETAIL_PARAMS = ("locale", "fields", "expand")
_DETAIL_PARAMS = frozenset(DETAIL_PARAMS)


def detail_payload(
    row: DeliverySnapshot | DetailRow, params, delivery: EntryDelivery, extra: dict | None = None
) -> Payload:
    """A detail: the stored JSON as it is, unless `fields=`, `expand=` or `extra` (keys
    added when served, a page's relatives) ask for a parse. Its surrogate keys name the
    item and every item `expand=` put in it, so purging either reaches this response."""
    fields = q.fields_param(params, delivery.detail_fields)
    expand = q.expand_param(params, delivery.relations)
    keys = [row.kind, f"{row.kind}-{row.object_id}"]
    if fields is None and expand is None and not extra:
        body = frontend.absolute_json(row.detail_json, row.locale, delivery.linked).encode()
        return Payload(body, row.updated_at, keys)
    item = {**frontend.absolute_item(json.loads(row.detail_json), delivery.linked), **(extra or {})}
    shaped = delivery.shape([item], fields, expand)
    keys += q.expanded_keys(shaped, expand)
    return Payload(json.dumps(shaped[0]).encode(), row.updated_at, keys)


@dataclass(frozen=True)
class DetailRow:
    """What a detail's response is built from: the snapshot's columns it reads."""

    kind: str
    object_id: int
    locale: str
    updated_at: datetime
    detail_json: str


_DETAIL_COLUMNS = ("object_id", "locale", "updated_at", "detail_json")
_DETAIL_PARAMS_FIELDS = {"now": DateTimeField(), "slug": CharField(), "locale": CharField()}


def detail_rows(kind: str, slug: str, locale: str) -> list[DetailRow]:
    """The served snapshots of `kind` with `slug` in `locale` and the default locale.

    Compiled once per type (content.delivery.compiled): building and compiling the
    queryset was most of an uncached detail's own time. Only the columns the response
    needs are read, not the item's search text and summary."""
    values = {"now": timezone.now(), "slug": slug, "locale": locale}

    def build():
        p = {name: Param(name, values[name], f) for name, f in _DETAIL_PARAMS_FIELDS.items()}
        default = Value(settings.CONTENT_DEFAULT_LOCALE)
        return (
            DeliverySnapshot.served.at(p["now"])
            .filter(kind=kind, slug=p["slug"], locale__in=[p["locale"], default])
            .values_list(*_DETAIL_COLUMNS)
        )

    shape = ("detail", kind, settings.CONTENT_DEFAULT_LOCALE)
    return [DetailRow(kind, *row) for row in compiled.rows(shape, build, values)]


def one_row(rows: list, locale: str):
    """Prefer the requested locale, fall back to the default one."""
    for wanted in (locale, settings.CONTENT_DEFAULT_LOCALE):
        for row in rows:
            if row.locale == wanted:
                return row
    raise NotFound()


class EntryListView(DeliveryView):
    """Published items of one type: filter, search, order, choose fields, page or scroll
    by cursor. Each type's routes subclass it with their `delivery`."""

    delivery: EntryDelivery

    def get(self, request):
        delivery = self.delivery
        return self.cached(request, lambda: entry_list(request, delivery))


class EntryDetailView(DeliveryView):
    """One published item of a type by slug (in `locale`, falling back to the default
    locale)."""

    delivery: EntryDelivery

    def get(self, request, slug: str):
        delivery = self.delivery

        def build():
            params = request.GET
            q.check_params(params, _DETAIL_PARAMS)
            locale = q.locale_param(params)
            return detail_payload(
                one_row(detail_rows(delivery.kind, slug, locale), locale), params, delivery
            )

        return self.cached(request, build)


def _taxonomy(model, request, scope: str):
    params = request.GET
    q.check_params(params, {"locale"})
    rows = model.objects.filter(locale__code=q.locale_param(params)).order_by("name")
    items = [{"id": r.pk, "name": r.name, "slug": r.slug} for r in rows]
    if model is Category:
        parents = dict(rows.values_list("pk", "parent_id"))
        for item in items:
            item["parent"] = parents[item["id"]]
    body = json.dumps({"results": items, "next": None, "previous": None}).encode()
    return Payload(body, None, [scope])


@extend_schema(
    tags=["delivery"],
    parameters=[OpenApiParameter("locale", str)],
    responses=CategoryListSerializer,
)
class CategoryListView(DeliveryView):
    """Every category of a locale, with its parent."""

    follows_releases = False  # taxonomy is not published

    def get(self, request):
        return self.cached(request, lambda: _taxonomy(Category, request, "categories"))


@extend_schema(
    tags=["delivery"],
    parameters=[OpenApiParameter("locale", str)],
    responses=TagListSerializer,
)
class TagListView(DeliveryView):
    """Every tag of a locale."""

    follows_releases = False  # taxonomy is not published

    def get(self, request):
        return self.cached(request, lambda: _taxonomy(Tag, request, "tags"))


@extend_schema(
    tags=["delivery"],
    parameters=[OpenApiParameter("rendition", str, description="e.g. fill-800x600|format-webp")],
    responses=MediaSerializer,
)
class MediaDetailView(DeliveryView):
    """A media asset, or one of its renditions (made on first request, then stored)."""

    # Releases publish no media; and a rendition made inside a preview's rollback would
    # leave its file behind.
    follows_releases = False

    def get(self, request, pk: int):
        def build():
            params = request.GET
            q.check_params(params, {"rendition"})
            asset = get_object_or_404(MediaAsset, pk=pk)
            item = media_payload(asset)
            if "rendition" in params:
                rendition = rendition_get_or_create(asset=asset, spec=params["rendition"][:100])
                item["rendition"] = {
                    "spec": rendition.spec,
                    "url": rendition.file.url,
                    "width": rendition.width,
                    "height": rendition.height,
                }
            return Payload(json.dumps(item).encode(), asset.updated_at, [f"media-{asset.pk}"])

        return self.cached(request, build)


@extend_schema(
    tags=["delivery"],
    parameters=[
        OpenApiParameter("path", str, required=True),
        OpenApiParameter("locale", str),
    ],
    responses=RedirectSerializer,
)
class RedirectLookupView(DeliveryView):
    """Where an old path lives now: `{old_path, new_path, permanent}`, or 404."""

    def get(self, request):
        def build():
            params = request.GET
            q.check_params(params, {"path", "locale"})
            if not params.get("path"):
                raise q.ValidationError({"path": ["Give the path to look up."]})
            redirect = (
                Redirect.objects.filter(
                    old_path=params["path"][:1024], locale__code=q.locale_param(params)
                )
                .select_related("target_content_type")
                .first()
            )
            new_path = redirect.new_path if redirect else None
            if redirect and redirect.target_object_id:
                # Its target's live path (none while the target is offline).
                kind = snapshot_kind(redirect.target_content_type.model_class())
                live = DeliverySnapshot.served.filter(
                    kind=kind or "", object_id=redirect.target_object_id
                ).values_list("url_path", flat=True)
                new_path = next(iter(live), None)
            if not new_path:
                raise NotFound()
            body = {
                "old_path": redirect.old_path,
                "new_path": new_path,
                "permanent": redirect.is_permanent,
            }
            return Payload(json.dumps(body).encode(), redirect.created_at, ["redirects"])

        return self.cached(request, build)


@extend_schema(
    tags=["delivery"],
    responses=preview_serializer(lambda: {d.kind: d.detail_serializer for d in entry_deliveries()}),
)
class PreviewView(DeliveryView):
    """The draft revision a preview token is bound to, in the delivery shape. Never cached."""

    def get(self, request, token: str):
        self.throttle(request)
        q.check_params(request.GET, set())
        revision = preview_token_load(token)
        entry = revision.content_type.model_class().objects.get(pk=revision.object_id)
        delivery = entry_delivery_for(entry)
        related = Related.load([revision.snapshot], delivery)
        rendered = render(entry, revision, related, delivery)
        item = frontend.absolute_item(rendered.detail, delivery.linked)
        payload = Payload(json.dumps(item).encode(), revision.created_at, [])
        return respond(request, payload.ready(), cache_control="private, no-store")
