"""A scope in the API, under the names the policies API has always used: `content_types`,
`page_subtree`, `category`, `locale` (content.scope holds the rules; the services check
them together with scope_clean). Shared by content policies and role grants."""

from __future__ import annotations

from rest_framework import serializers

from content.models import Category, Locale, Page
from content.serializers.types import EntryTypeField
from core.serializers import StrictSerializer


class ScopeSerializer(serializers.Serializer):
    """The scope of a ScopedModel row, read only (mix into its ModelSerializer)."""

    content_types = serializers.ListField(
        source="scope_types", child=serializers.CharField(), read_only=True
    )
    page_subtree = serializers.PrimaryKeyRelatedField(
        source="scope_page", read_only=True, allow_null=True
    )
    category = serializers.PrimaryKeyRelatedField(
        source="scope_category", read_only=True, allow_null=True
    )
    locale = serializers.PrimaryKeyRelatedField(
        source="scope_locale", read_only=True, allow_null=True
    )


class ScopeWriteSerializer(StrictSerializer):
    """A scope as a client sends it; every part optional (empty: all)."""

    content_types = serializers.ListField(child=EntryTypeField(), required=False)
    page_subtree = serializers.PrimaryKeyRelatedField(
        queryset=Page.objects.filter(deleted_at=None), required=False, allow_null=True
    )
    category = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.all(), required=False, allow_null=True
    )
    locale = serializers.PrimaryKeyRelatedField(
        queryset=Locale.objects.all(), required=False, allow_null=True
    )
