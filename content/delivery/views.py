"""Delivery endpoints: read-only, published-only, answered from the snapshot table."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Q
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import (
    NotFound,
)

from content import frontend
from content.delivery import compiled
from content.delivery import query as q
from content.delivery.endpoint import DeliveryView
from content.delivery.http import Payload, respond
from content.delivery.payloads import Related, media_payload, render
from content.delivery.schema import (
    ARTICLE_LIST_PARAMS,
    PAGE_LIST_OR_PAGE,
    PAGE_LIST_PARAMS,
    PREVIEW,
    ArticleListSerializer,
    ArticleSerializer,
    CategoryListSerializer,
    MediaSerializer,
    PageSerializer,
    RedirectSerializer,
    TagListSerializer,
)
from content.models import Category, MediaAsset, Redirect, Tag
from content.models.snapshots import DeliverySnapshot
from content.services import preview_token_load, rendition_get_or_create

SUMMARY_FIELDS = {
    "article": (
        "id",
        "type",
        "title",
        "slug",
        "locale",
        "translation_key",
        "url",
        "published_at",
        "updated_at",
        "summary",
        "published_date",
        "category",
        "tags",
        "authors",
        "cover_image",
    ),
    "page": (
        "id",
        "type",
        "title",
        "slug",
        "locale",
        "translation_key",
        "url",
        "published_at",
        "updated_at",
        "parent",
    ),
}
DETAIL_EXTRA = ("body", "seo")


def _list_body(rows, query, fields, expand, extra) -> bytes:
    kind = query.kind
    if fields is None and expand is None:
        items = ",".join(frontend.absolute_json(r["summary_json"], kind, r["locale"]) for r in rows)
    else:
        parsed = (frontend.absolute_item(json.loads(r["summary_json"])) for r in rows)
        items = ",".join(json.dumps(q.shape(item, kind, fields, expand)) for item in parsed)
    envelope = json.dumps(extra)[1:-1]
    return f'{{"results":[{items}],{envelope}}}'.encode()


def entry_list(request, kind: str) -> Payload:
    """A page of summaries: a cursor (default) or page numbers (adds `count`)."""
    params = request.GET
    query = q.parse_list(params, kind)
    fields = q.fields_param(params, kind, SUMMARY_FIELDS[kind])
    expand = q.expand_param(params, kind)
    values = q.bindings(query)
    ranked = q.is_ranked(query, params)
    if ranked:  # relevance has no stable cursor, so ranked results are paged by number
        query.page = query.page or 1
    columns = ("id", "published_at", "updated_at", "object_id", "locale", "summary_json")
    extra: dict = {}
    if query.page is not None:
        qs, order = q.filtered(query, values), q.ORDERINGS[query.ordering]
        if ranked:
            qs, order = q.ranked(qs, query.search), ("-rank", "-id")  # best matches first
        count = qs.count()
        offset = (query.page - 1) * query.limit
        # Deferred join: walk the index for ids, then fetch only this page's JSON.
        ids = list(qs.order_by(*order).values_list("id", flat=True)[offset : offset + query.limit])
        by_id = {r["id"]: r for r in DeliverySnapshot.served.filter(id__in=ids).values(*columns)}
        rows = [by_id[i] for i in ids]
        extra["count"] = count
        extra["next"] = _page_url(request, query.page + 1) if offset + len(rows) < count else None
        extra["previous"] = _page_url(request, query.page - 1) if query.page > 1 else None
    else:
        rows, extra["next"], extra["previous"] = _cursor_page(request, query, values, columns)
    last_modified = max((r["updated_at"] for r in rows), default=None)
    keys = [kind] + [f"{kind}-{r['object_id']}" for r in rows]
    return Payload(_list_body(rows, query, fields, expand, extra), last_modified, keys)


def _cursor_page(request, query, values, columns):
    """A page after (or before) the cursor; compiled once per shape, as it is what most
    delivery traffic asks for (content.delivery.compiled)."""
    backwards = query.backwards
    order = q.ORDERINGS[query.ordering]
    walk = order if not backwards else tuple(f[1:] if f[0] == "-" else f"-{f}" for f in order)

    def build():
        return q.filtered(query, values).order_by(*walk).values_list(*columns)[: query.limit + 1]

    # Search terms are not Params, so a search is compiled afresh each time.
    fetched = list(build()) if query.search else compiled.rows(q.sql_shape(query), build, values)
    rows = [dict(zip(columns, row, strict=True)) for row in fetched]
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    if backwards:
        rows.reverse()
    if query.ordering not in q.CURSOR_ORDERINGS or not rows:
        return rows, None, None
    first, last = rows[0], rows[-1]
    has_next = more if not backwards else True
    has_previous = more if backwards else query.cursor is not None
    next_url = _cursor_url(request, last, query.ordering, False) if has_next else None
    previous_url = _cursor_url(request, first, query.ordering, True) if has_previous else None
    return rows, next_url, previous_url


def _link(request, name: str, value: str) -> str:
    """This request's absolute URL with one parameter set (each is given at most once)."""
    query = urlencode({**request.GET.dict(), name: value})
    return request.build_absolute_uri(f"{request.path}?{query}")


def _page_url(request, page: int) -> str:
    return _link(request, "page", str(page))


def _cursor_url(request, row, ordering: str, backwards: bool) -> str:
    token = q.encode_cursor(row["published_at"].isoformat(), row["id"], ordering, backwards)
    return _link(request, "cursor", token)


def _detail_body(row: DeliverySnapshot, params, kind: str, extra: dict | None = None) -> bytes:
    fields = q.fields_param(params, kind, SUMMARY_FIELDS[kind] + DETAIL_EXTRA + tuple(extra or ()))
    expand = q.expand_param(params, kind)
    if fields is None and expand is None and not extra:
        return frontend.absolute_json(row.detail_json, kind, row.locale).encode()
    item = {**frontend.absolute_item(json.loads(row.detail_json)), **(extra or {})}
    return json.dumps(q.shape(item, kind, fields, expand)).encode()


def _one(rows: list[DeliverySnapshot], locale: str) -> DeliverySnapshot:
    """Prefer the requested locale, fall back to the default one."""
    for wanted in (locale, settings.CONTENT_DEFAULT_LOCALE):
        for row in rows:
            if row.locale == wanted:
                return row
    raise NotFound()


def _detail_payload(row: DeliverySnapshot, body: bytes) -> Payload:
    return Payload(body, row.updated_at, [row.kind, f"{row.kind}-{row.object_id}"])


class ArticleListView(DeliveryView):
    """Published articles: filter, search, order, choose fields, page or scroll by cursor."""

    @extend_schema(
        tags=["delivery"],
        operation_id="delivery_articles_list",
        parameters=ARTICLE_LIST_PARAMS,
        responses=ArticleListSerializer,
    )
    def get(self, request):
        return self.cached(request, lambda: entry_list(request, "article"), "articles")


@extend_schema(
    tags=["delivery"],
    parameters=[OpenApiParameter(n, str) for n in ("locale", "fields", "expand")],
    responses=ArticleSerializer,
)
class ArticleDetailView(DeliveryView):
    """One published article by slug (in `locale`, falling back to the default locale)."""

    def get(self, request, slug: str):
        def build():
            params = request.GET
            q.check_params(params, {"locale", "fields", "expand"})
            locale = q.locale_param(params)
            rows = list(
                DeliverySnapshot.served.filter(
                    kind="article", slug=slug, locale__in={locale, settings.CONTENT_DEFAULT_LOCALE}
                )
            )
            row = _one(rows, locale)
            return _detail_payload(row, _detail_body(row, params, "article"))

        return self.cached(request, build, "article")


def _page_extras(row: DeliverySnapshot) -> dict:
    """Breadcrumbs (ancestors) and children, from the published pages only; one query."""
    steplen = 4
    ancestors = [row.tree_path[:i] for i in range(steplen, len(row.tree_path), steplen)]
    related = DeliverySnapshot.served.filter(
        Q(tree_path__in=ancestors) | Q(parent_id=row.object_id), kind="page"
    ).values("object_id", "title", "url_path", "locale", "tree_path", "parent_id", "sort_order")
    crumbs, children = [], []
    for r in sorted(related, key=lambda r: (r["tree_path"], r["sort_order"])):
        url = frontend.public_url(r["url_path"], r["locale"])
        ref = {"id": r["object_id"], "title": r["title"], "url": url}
        (children if r["parent_id"] == row.object_id else crumbs).append(ref)
    return {"breadcrumbs": crumbs, "children": children}


class PageListView(DeliveryView):
    """Published pages; `?path=/about/team/` returns that one page instead."""

    @extend_schema(
        tags=["delivery"],
        operation_id="delivery_pages_list",
        parameters=PAGE_LIST_PARAMS,
        responses=PAGE_LIST_OR_PAGE,
    )
    def get(self, request):
        if "path" not in request.GET:
            return self.cached(request, lambda: entry_list(request, "page"), "pages")

        def build():
            params = request.GET
            q.check_params(params, {"path", "locale", "fields", "expand"})
            locale = q.locale_param(params)
            path = params["path"]
            path = path if path.endswith("/") else f"{path}/"
            rows = list(
                DeliverySnapshot.served.filter(
                    kind="page", url_path=path, locale__in={locale, settings.CONTENT_DEFAULT_LOCALE}
                )
            )
            row = _one(rows, locale)
            return _detail_payload(row, _detail_body(row, params, "page", _page_extras(row)))

        return self.cached(request, build, "page-path")


@extend_schema(
    tags=["delivery"],
    parameters=[OpenApiParameter(n, str) for n in ("fields", "expand")],
    responses=PageSerializer,
)
class PageDetailView(DeliveryView):
    """One published page by id, with breadcrumbs and children."""

    def get(self, request, pk: int):
        def build():
            params = request.GET
            q.check_params(params, {"fields", "expand"})
            row = get_object_or_404(DeliverySnapshot, kind="page", object_id=pk)
            return _detail_payload(row, _detail_body(row, params, "page", _page_extras(row)))

        return self.cached(request, build, "page")


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

    def get(self, request):
        return self.cached(
            request, lambda: _taxonomy(Category, request, "categories"), "categories"
        )


@extend_schema(
    tags=["delivery"],
    parameters=[OpenApiParameter("locale", str)],
    responses=TagListSerializer,
)
class TagListView(DeliveryView):
    """Every tag of a locale."""

    def get(self, request):
        return self.cached(request, lambda: _taxonomy(Tag, request, "tags"), "tags")


@extend_schema(
    tags=["delivery"],
    parameters=[OpenApiParameter("rendition", str, description="e.g. fill-800x600|format-webp")],
    responses=MediaSerializer,
)
class MediaDetailView(DeliveryView):
    """A media asset, or one of its renditions (made on first request, then stored)."""

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

        return self.cached(request, build, "media")


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
                live = DeliverySnapshot.served.filter(
                    kind=redirect.target_content_type.model, object_id=redirect.target_object_id
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

        return self.cached(request, build, "redirect")


@extend_schema(tags=["delivery"], responses=PREVIEW)
class PreviewView(DeliveryView):
    """The draft revision a preview token is bound to, in the delivery shape. Never cached."""

    def get(self, request, token: str):
        self.throttle(request)
        q.check_params(request.GET, set())
        revision = preview_token_load(token)
        entry = revision.content_type.model_class().objects.get(pk=revision.object_id)
        rendered = render(entry, revision, Related.load([revision.snapshot]))
        item = frontend.absolute_item(rendered.detail)
        payload = Payload(json.dumps(item).encode(), revision.created_at, [])
        return respond(request, payload.ready(), cache_control="private, no-store")
