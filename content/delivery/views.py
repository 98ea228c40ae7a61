"""Delivery endpoints: read-only, published-only, answered from the snapshot table."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import (
    AuthenticationFailed,
    MethodNotAllowed,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    Throttled,
)
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.renderers import JSONRenderer
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from accounts.authentication import (
    ApiKeyAuthentication,
    JWTAuthentication,
    authenticate_presented,
)
from accounts.models import ApiKey, ApiKeyScope
from config.exceptions import api_exception_handler
from content import frontend
from content.delivery import compiled
from content.delivery import query as q
from content.delivery.http import Payload, compress, lookup, respond, store
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


class DeliveryThrottle(AnonRateThrottle):
    """Anonymous delivery traffic, counted per client in fixed windows of the rate's period.

    DRF's own throttles keep a list of request times per client and rewrite it on every
    request, which costs more the higher the rate. Here each process counts requests
    locally and adds them to one shared counter per client and window every `flush_every`
    requests (and on a client's first request); the total that increment returns is what
    the process checks the budget against until the next one. A client may overshoot its
    budget by that many requests per process: 1% of the budget, at most MAX_UNSHARED.
    Most requests cost no cache round trip.
    """

    scope = "delivery_anon"
    MAX_UNSHARED = 50
    # By window key: requests this process counted and has not added to the shared
    # counter, and the shared total as of its last increment. Unlocked: a lost update
    # under threads only loosens a rate limit by a request.
    _pending: dict[str, int] = {}
    _shared: dict[str, int] = {}

    @classmethod
    def forget(cls) -> None:
        """Drop this process's counts (tests, between which the shared cache is cleared)."""
        cls._pending.clear()
        cls._shared.clear()

    def get_cache_key(self, request, view) -> str | None:
        """Per client address, unless an API key authenticated the request. Delivery has no
        session users: asking for one would read the session, and make every public
        response `Vary: Cookie`, which splits a CDN's cache per visitor."""
        if getattr(request, "auth", None) is not None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    @property
    def flush_every(self) -> int:
        return min(self.MAX_UNSHARED, max(1, self.num_requests // 100))

    def check(self, request) -> None:
        """Count this request, or refuse it once the window's budget is spent."""
        ident = self.get_cache_key(request, None) if self.rate else None
        if ident is None:
            return
        now = self.timer()
        key = f"{ident}:{int(now // self.duration)}"
        pending = self._pending.get(key, 0) + 1
        shared = self._shared.get(key)
        if (shared or 0) + pending > self.num_requests:
            raise Throttled(self.duration - now % self.duration)
        if shared is not None and pending < self.flush_every:
            self._pending[key] = pending
            return
        if len(self._shared) > 10_000:  # mostly keys of windows that have ended
            self._pending.clear()
            self._shared.clear()
        self._pending[key] = 0
        self._shared[key] = self._add(key, pending)

    def _add(self, key: str, count: int) -> int:
        """Add to the shared counter; the new total. Once the window's counter exists (all
        but its first count), that is one round trip."""
        try:
            return cache.incr(key, count)
        except ValueError:  # the window's first count
            if cache.add(key, count, timeout=self.duration):
                return count
            return cache.incr(key, count)  # another process added it meanwhile


class HasDeliveryKey(BasePermission):
    message = "Send an API key with the delivery:read scope."

    def has_permission(self, request, view) -> bool:
        return isinstance(request.auth, ApiKey) and ApiKeyScope.DELIVERY_READ in request.auth.scopes


class DeliveryView(APIView):
    """Public unless DELIVERY_REQUIRE_KEY; anonymous traffic is throttled.

    `dispatch` is trimmed for the hot path: these endpoints only read, answer pre-rendered
    JSON and need no content negotiation, so the handler gets Django's request as is and
    only the checks delivery needs run (throttle, the API key when one is required, and
    any credential that is sent: a bad one is a 401 even here). Errors still go
    through the API's one exception handler, so they keep the error format.
    """

    http_method_names = ["get"]
    throttle_classes = [DeliveryThrottle]

    def get_authenticators(self):
        return [ApiKeyAuthentication()] if settings.DELIVERY_REQUIRE_KEY else []

    def get_permissions(self):
        return [HasDeliveryKey()] if settings.DELIVERY_REQUIRE_KEY else [AllowAny()]

    def dispatch(self, request, *args, **kwargs):
        self.args, self.kwargs, self.request, self.headers = args, kwargs, request, {}
        try:
            if request.method not in ("GET", "HEAD"):
                raise MethodNotAllowed(request.method)
            if settings.DELIVERY_REQUIRE_KEY:
                self._check_key(request)
            elif "HTTP_AUTHORIZATION" in request.META:
                # None is needed, but one that is sent must be good (anonymous requests,
                # the hot path, skip this). Before the cache lookup: a hit is no way round.
                authenticate_presented(request)
            return self.get(request, *args, **kwargs)
        except Exception as exc:
            return self._error(request, exc)

    def _check_key(self, request) -> None:
        result = ApiKeyAuthentication().authenticate(request)
        if result is None:
            raise NotAuthenticated(HasDeliveryKey.message)
        request.user, request.auth = result
        if not HasDeliveryKey().has_permission(request, self):
            raise PermissionDenied(HasDeliveryKey.message)

    def throttle(self, request) -> None:
        """Count the request against the anonymous rate (views that are never cached)."""
        DeliveryThrottle().check(request)

    def _error(self, request, exc: Exception):
        response = api_exception_handler(exc, {"request": request, "view": self})
        if response is None:
            raise exc
        if isinstance(exc, NotAuthenticated | AuthenticationFailed):
            bearer = request.META.get("HTTP_AUTHORIZATION", "").startswith("Bearer ")
            response["WWW-Authenticate"] = (
                JWTAuthentication().authenticate_header(request)
                if bearer and not settings.DELIVERY_REQUIRE_KEY
                else ApiKeyAuthentication.keyword
            )
        response.accepted_renderer = JSONRenderer()
        response.accepted_media_type = "application/json"
        response.renderer_context = {"request": request, "response": response, "view": self}
        return response

    def cached(self, request, build, scope: str):
        """Throttle, then serve the cached response, or build, store and serve it.

        Before anything is parsed, the response is looked up: in this process's own tier,
        else in one read of the shared cache (content.delivery.http.lookup).
        """
        DeliveryThrottle().check(request)
        found = lookup(request, scope)
        ready = found.ready
        if ready is None:
            ready = build().ready()
            compress(request, ready)
            store(found, ready)
        elif compress(request, ready):  # the first hit that takes gzip: keep the bytes
            store(found, ready)
        return respond(request, ready)


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
