"""Reads for the management API and the admin: querysets with their joins prepared."""

from __future__ import annotations

from django.db.models import F, QuerySet

from content.models import Category, Locale, MediaAsset, PublishableCore, Redirect, Tag
from content.types import entry_type_for


def entry_list(*, model: type[PublishableCore]) -> QuerySet[PublishableCore]:
    """Items with what their list rows show, in a constant number of queries (trash included)."""
    qs = model.objects.select_related("locale").annotate(
        live_revision_number=F("live_revision__number"),
        latest_revision_number=F("latest_revision__number"),
        trashed_live_revision_number=F("trashed_live_revision__number"),
    )
    return qs.prefetch_related(*entry_type_for(model).many_to_many)


def media_list() -> QuerySet[MediaAsset]:
    return MediaAsset.objects.all()


def category_list() -> QuerySet[Category]:
    return Category.objects.select_related("locale")


def tag_list() -> QuerySet[Tag]:
    return Tag.objects.select_related("locale")


def locale_list() -> QuerySet[Locale]:
    return Locale.objects.all()


def redirect_list() -> QuerySet[Redirect]:
    return Redirect.objects.select_related("locale", "target_content_type")
