"""Categories, tags, locales and redirects."""

from __future__ import annotations

from rest_framework import serializers

from content.models import Category, Locale, Redirect, Tag
from content.serializers.entries import LocaleCodeField
from core.serializers import StrictSerializer


class CategorySerializer(serializers.ModelSerializer):
    locale = LocaleCodeField(read_only=True)

    class Meta:
        model = Category
        fields = [
            "id",
            "name",
            "slug",
            "locale",
            "parent",
            "description",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class CategoryWriteSerializer(StrictSerializer):
    name = serializers.CharField(max_length=150)
    slug = serializers.SlugField(max_length=150, required=False, allow_blank=True)
    locale = LocaleCodeField(queryset=Locale.objects.all(), required=False)
    parent = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.all(), required=False, allow_null=True
    )
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class TagSerializer(serializers.ModelSerializer):
    locale = LocaleCodeField(read_only=True)

    class Meta:
        model = Tag
        fields = ["id", "name", "slug", "locale", "created_at"]
        read_only_fields = fields


class TagWriteSerializer(StrictSerializer):
    name = serializers.CharField(max_length=100)
    slug = serializers.SlugField(max_length=100, required=False, allow_blank=True)
    locale = LocaleCodeField(queryset=Locale.objects.all(), required=False)


class LocaleSerializer(serializers.ModelSerializer):
    class Meta:
        model = Locale
        fields = ["id", "code", "name", "is_default"]
        read_only_fields = fields


class LocaleWriteSerializer(StrictSerializer):
    code = serializers.RegexField(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$", max_length=16)
    name = serializers.CharField(max_length=100)
    is_default = serializers.BooleanField(required=False)


class RedirectSerializer(serializers.ModelSerializer):
    locale = LocaleCodeField(read_only=True)
    target_type = serializers.SerializerMethodField()

    class Meta:
        model = Redirect
        fields = [
            "id",
            "old_path",
            "new_path",
            "locale",
            "is_permanent",
            "is_auto",
            "target_type",
            "target_object_id",
            "created_at",
        ]
        read_only_fields = fields

    def get_target_type(self, obj: Redirect) -> str | None:
        return obj.target_content_type.model if obj.target_content_type_id else None


class RedirectWriteSerializer(StrictSerializer):
    old_path = serializers.CharField(max_length=1024)
    new_path = serializers.CharField(max_length=1024)
    locale = LocaleCodeField(queryset=Locale.objects.all(), required=False)
    is_permanent = serializers.BooleanField(required=False)


class RedirectUpdateSerializer(StrictSerializer):
    new_path = serializers.CharField(max_length=1024, required=False)
    is_permanent = serializers.BooleanField(required=False)
