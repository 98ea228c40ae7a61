"""OpenAPI description of the delivery endpoints (their bodies are pre-rendered JSON)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers


class DeliveryItemSerializer(serializers.Serializer):
    """A published item, media asset or redirect; fields vary by type and `fields=`."""

    class Meta:
        ref_name = "DeliveryItem"

    def to_representation(self, instance):
        return instance


class DeliveryListSerializer(serializers.Serializer):
    results = serializers.ListField(child=serializers.DictField())
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    count = serializers.IntegerField(required=False, help_text="With page numbers only.")


_COMMON = [
    OpenApiParameter("locale", str, description="Locale code; falls back to the default."),
    OpenApiParameter("search", str),
    OpenApiParameter("ordering", str, enum=["-published_at", "published_at", "title", "-title"]),
    OpenApiParameter("fields", str, description="Comma-separated fields to return."),
    OpenApiParameter("expand", str, description="Relations to expand (one level)."),
    OpenApiParameter("limit", int, description="1 to 100 (default 20)."),
    OpenApiParameter("page", int, description="Page number; adds `count`."),
    OpenApiParameter("cursor", str, description="From `next`/`previous`."),
]
ARTICLE_LIST_PARAMS = [
    *_COMMON,
    OpenApiParameter("category", str, description="Category slug."),
    OpenApiParameter("tag", str, description="Tag slug."),
    OpenApiParameter("author", int, description="Author id."),
    OpenApiParameter("published_after", str, description="ISO 8601 date or date-time."),
    OpenApiParameter("published_before", str, description="ISO 8601 date or date-time."),
]
PAGE_LIST_PARAMS = [
    *_COMMON,
    OpenApiParameter("parent", int, description="Only the children of this page."),
    OpenApiParameter("path", str, description="Return the page at this URL path instead."),
]
