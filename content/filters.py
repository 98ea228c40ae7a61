"""Filters for the management lists. Bad values (and unknown orderings) are 400s."""

from __future__ import annotations

import django_filters as filters
from django import forms
from django.utils.module_loading import import_string

from content.models import (
    Article,
    Category,
    MediaAsset,
    MediaKind,
    Page,
    Redirect,
    RoleGrant,
    Status,
    Tag,
)
from content.types import EntryType
from core.filters import IntegerFilter


class StrictBooleanField(forms.Field):
    """true/false/1/0 only; django-filter's default turns typos into "no filter"."""

    values = {"true": True, "1": True, "false": False, "0": False}

    def to_python(self, value):
        if value in (None, ""):
            return None
        if str(value).lower() not in self.values:
            raise forms.ValidationError("Use true or false.")
        return self.values[str(value).lower()]


class StrictBooleanFilter(filters.BooleanFilter):
    field_class = StrictBooleanField


class EntryFilter(filters.FilterSet):
    """status, owner, locale, q (title), trashed, ordering; the trash shows on ?trashed=true."""

    status = filters.MultipleChoiceFilter(choices=Status.choices)
    owner = IntegerFilter(field_name="owner_id")
    locale = filters.CharFilter(field_name="locale__code")
    q = filters.CharFilter(field_name="title", lookup_expr="icontains", max_length=200)
    trashed = StrictBooleanFilter(method="_trashed")
    has_unpublished_changes = StrictBooleanFilter()
    ordering = filters.OrderingFilter(
        fields=["updated_at", "created_at", "title", "status", "publish_at", "last_published_at"]
    )

    def _trashed(self, queryset, name, value):
        return queryset  # applied in filter_queryset, which also runs when it is absent

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        trashed = self.form.cleaned_data.get("trashed")
        return queryset.filter(deleted_at__isnull=not trashed)


class ArticleFilter(EntryFilter):
    category = IntegerFilter(field_name="category_id")
    tag = IntegerFilter(field_name="tags")
    author = IntegerFilter(field_name="authors")
    ordering = filters.OrderingFilter(
        fields=[
            "updated_at",
            "created_at",
            "title",
            "status",
            "publish_at",
            "last_published_at",
            "published_date",
        ]
    )

    class Meta:
        model = Article
        fields = []


class PageFilter(EntryFilter):
    parent = IntegerFilter(field_name="parent_id")
    root = StrictBooleanFilter(field_name="parent", lookup_expr="isnull")
    depth = IntegerFilter(max_value=32767)
    url_path = filters.CharFilter()
    ordering = filters.OrderingFilter(
        fields=[
            "path",
            "sort_order",
            "updated_at",
            "created_at",
            "title",
            "status",
            "last_published_at",
        ]
    )

    class Meta:
        model = Page
        fields = []


def entry_filterset(entry_type: EntryType) -> type[EntryFilter]:
    """The type's management list filters: its registration's, or EntryFilter's (status,
    owner, locale, q, trashed, ordering) on its model."""
    if entry_type.filterset:
        return import_string(entry_type.filterset)
    meta = type("Meta", (), {"model": entry_type.model, "fields": []})
    name = f"{entry_type.model.__name__}Filter"
    return type(name, (EntryFilter,), {"Meta": meta, "__module__": __name__, "__qualname__": name})


class MediaFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=MediaKind.choices)
    q = filters.CharFilter(field_name="title", lookup_expr="icontains", max_length=200)
    ordering = filters.OrderingFilter(fields=["created_at", "title", "size"])

    class Meta:
        model = MediaAsset
        fields = []


class TaxonomyFilter(filters.FilterSet):
    locale = filters.CharFilter(field_name="locale__code")
    q = filters.CharFilter(field_name="name", lookup_expr="icontains", max_length=200)
    ordering = filters.OrderingFilter(fields=["name", "created_at"])


class CategoryFilter(TaxonomyFilter):
    parent = IntegerFilter(field_name="parent_id")

    class Meta:
        model = Category
        fields = []


class TagFilter(TaxonomyFilter):
    class Meta:
        model = Tag
        fields = []


class RedirectFilter(filters.FilterSet):
    locale = filters.CharFilter(field_name="locale__code")
    old_path = filters.CharFilter()
    is_auto = StrictBooleanFilter()
    ordering = filters.OrderingFilter(fields=["old_path", "created_at"])

    class Meta:
        model = Redirect
        fields = []


class RoleGrantFilter(filters.FilterSet):
    """user, group (ids) and role: one holder's grants, or one role's."""

    user = IntegerFilter(field_name="user_id")
    group = IntegerFilter(field_name="group_id")
    role = filters.ChoiceFilter(choices=RoleGrant._meta.get_field("role").choices)

    class Meta:
        model = RoleGrant
        fields = []
