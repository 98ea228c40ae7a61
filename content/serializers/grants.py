"""Role grants in the management API: the scope as the policies API gives it (names, ids)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from rest_framework import serializers

from accounts.roles import GRANTABLE_ROLES
from content.models import RoleGrant
from content.serializers.scope import ScopeSerializer, ScopeWriteSerializer


class RoleGrantSerializer(ScopeSerializer, serializers.ModelSerializer):
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


class RoleGrantWriteSerializer(ScopeWriteSerializer):
    """A user or a group (ids), a role, and the scope; the service checks them together."""

    user = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.all(), required=False, allow_null=True
    )
    group = serializers.PrimaryKeyRelatedField(
        queryset=Group.objects.all(), required=False, allow_null=True
    )
    role = serializers.ChoiceField(choices=GRANTABLE_ROLES)
