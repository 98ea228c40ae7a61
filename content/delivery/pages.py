"""Page's delivery (its registration's `delivery`): the page tree as the public sees it.

A page's `url` is its materialised `url_path`; its `parent` is the live parent only; a
detail adds its published ancestors (breadcrumbs) and children; a page's live
descendants are refreshed with it, as their paths and breadcrumbs follow it. Its routes
are `pages/` (the list, or with `?path=` the page at that path) and `pages/<id>/`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Q
from django.db.models.fields.json import KeyTextTransform
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers

from content import frontend
from content.delivery import query as q
from content.delivery import schema
from content.delivery.endpoint import DeliveryView
from content.delivery.entries import EntryDelivery
from content.delivery.payloads import Extras, Related
from content.delivery.views import EntryListView, detail_payload, one_row
from content.models import PublishableCore, Status
from content.models.pages import PAGE_STEPLEN
from content.models.snapshots import DeliverySnapshot


# A linked page (a parent, an ancestor, a child) in the OpenAPI schema.
class PageRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = schema.plain()
    url = schema.text()

    class Meta:
        ref_name = "DeliveryPageRef"


class PageDelivery(EntryDelivery):
    linked = ("parent",)
    detail_keys = ("breadcrumbs", "children")
    detail_doc = "One page, with its body, SEO fields, its published ancestors and children."

    def url(self, entry: PublishableCore, slug: str) -> str:
        # The row's url_path, recomputed from the public slugs when publishing.
        return entry.url_path

    def load(self, snapshots: list[dict[str, Any]]) -> dict[int, PublishableCore]:
        return self._live_pages({snap["parent"] for snap in snapshots if snap.get("parent")})

    def _live_pages(self, ids: set[int]) -> dict[int, PublishableCore]:
        """Parent pages as the public sees them: live ones only, with their live title.

        A page's `title` is the draft's; a parent's unpublished edit (or a draft parent)
        must not show through its children's payloads.
        """
        if not ids:
            return {}
        live = self.entry_type.model.objects.filter(
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

    def extras(self, entry: PublishableCore, snap: dict[str, Any], related: Related) -> Extras:
        parent = related.loaded.get(snap.get("parent"))
        ref = {"id": parent.pk, "title": parent.title, "url": parent.url_path} if parent else None
        columns = {"tree_path": entry.path, "parent_id": entry.parent_id}
        return Extras(fields={"parent": ref}, columns={**columns, "sort_order": entry.sort_order})

    def refresh_ids(self, entry_ids: list[int]) -> list[int]:
        prefixes = self.entry_type.model.objects.filter(pk__in=entry_ids).values_list(
            "path", flat=True
        )
        for prefix in prefixes:
            entry_ids += (
                DeliverySnapshot.objects.filter(kind=self.kind, tree_path__startswith=prefix)
                .exclude(object_id__in=entry_ids)
                .values_list("object_id", flat=True)
            )
        return entry_ids

    def relatives(self, row: DeliverySnapshot) -> dict[str, list[dict[str, Any]]]:
        """Breadcrumbs (ancestors) and children, from the published pages only; one query."""
        tree_path, step = row.tree_path, PAGE_STEPLEN
        ancestors = [tree_path[:i] for i in range(step, len(tree_path), step)]
        related = DeliverySnapshot.served.filter(
            Q(tree_path__in=ancestors) | Q(parent_id=row.object_id), kind=self.kind
        ).values("object_id", "title", "url_path", "locale", "tree_path", "parent_id", "sort_order")
        crumbs: list[dict[str, Any]] = []
        children: list[dict[str, Any]] = []
        for r in sorted(related, key=lambda r: (r["tree_path"], r["sort_order"])):
            url = frontend.public_url(r["url_path"], r["locale"])
            ref = {"id": r["object_id"], "title": r["title"], "url": url}
            (children if r["parent_id"] == row.object_id else crumbs).append(ref)
        return {"breadcrumbs": crumbs, "children": children}

    # --- Routes and their OpenAPI description ------------------------------------------

    def urls(self) -> list[URLPattern]:
        list_view = extend_schema_view(
            get=extend_schema(
                tags=["delivery"],
                operation_id=f"delivery_{self.plural}_list",
                parameters=self.list_parameters(),
                responses=schema.AnyOfSerializer(
                    f"Delivery{self.name}ListOr{self.name}",
                    [self.list_serializer, self.detail_serializer],
                ),
            )
        )(type(f"{self.name}ListView", (PageListView,), {"delivery": self}))
        detail_view = extend_schema_view(
            get=extend_schema(
                tags=["delivery"],
                parameters=[OpenApiParameter(n, str) for n in ("fields", "expand")],
                responses=self.detail_serializer,
            )
        )(type(f"{self.name}DetailView", (PageDetailView,), {"delivery": self}))
        return [
            path(f"{self.plural}/", list_view.as_view(), name=f"delivery-{self.plural}"),
            path(f"{self.plural}/<int:pk>/", detail_view.as_view(), name=f"delivery-{self.kind}"),
        ]

    def list_parameters(self) -> list[OpenApiParameter]:
        path_param = OpenApiParameter(
            "path", str, description="Return the page at this URL path instead."
        )
        return [*super().list_parameters(), path_param]

    def schema_fields(self) -> dict[str, serializers.Field]:
        parent = schema.Expandable(PageRefSerializer, allow_null=True, required=False)
        return {"parent": parent}

    def detail_schema_fields(self) -> dict[str, serializers.Field]:
        return {
            "breadcrumbs": serializers.ListField(child=PageRefSerializer(), required=False),
            "children": serializers.ListField(child=PageRefSerializer(), required=False),
        }


class PageListView(EntryListView):
    """Published pages; `?path=/about/team/` returns that one page instead."""

    delivery: PageDelivery

    def get(self, request):
        if "path" not in request.GET:
            return super().get(request)
        delivery = self.delivery

        def build():
            params = request.GET
            q.check_params(params, {"path", "locale", "fields", "expand"})
            locale = q.locale_param(params)
            path = params["path"]
            path = path if path.endswith("/") else f"{path}/"
            rows = list(
                DeliverySnapshot.served.filter(
                    kind=delivery.kind,
                    url_path=path,
                    locale__in={locale, settings.CONTENT_DEFAULT_LOCALE},
                )
            )
            row = one_row(rows, locale)
            return detail_payload(row, params, delivery, delivery.relatives(row))

        return self.cached(request, build)


class PageDetailView(DeliveryView):
    """One published page by id, with breadcrumbs and children."""

    delivery: PageDelivery

    def get(self, request, pk: int):
        delivery = self.delivery

        def build():
            params = request.GET
            q.check_params(params, {"fields", "expand"})
            row = get_object_or_404(DeliverySnapshot, kind=delivery.kind, object_id=pk)
            return detail_payload(row, params, delivery, delivery.relatives(row))

        return self.cached(request, build)
