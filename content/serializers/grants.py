"""Role grants in the management API: the scope as the policies API gives it (names, ids)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from rest_framework import serializers

from accounts.roles import GRANTABLE_ROLES
from content.models import Category, Locale, Page, RoleGrant
from content.serializers.types import EntryTypeField
from core.serializers import StrictSerializer


class RoleGrantSerializer(serializers.ModelSerializer):
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

    class Meta:
        model = RoleGrant
        fields = [
            "id",
            "user",
            "group",
            "role",
            "content_types",
            "page_subtree",
            "category",
            "locale",
            "created_by",
            "created_at",
        ]
        read_only_fields = fields


class RoleGrantWriteSerializer(StrictSerializer):
    """A user or a group (ids), a role, and the scope; the service checks them together."""

    user = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.all(), required=False, allow_null=True
    )
    group = serializers.PrimaryKeyRelatedField(
        queryset=Group.objects.all(), required=False, allow_null=True
    )
    role = serializers.ChoiceField(choices=GRANTABLE_ROLES)
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
