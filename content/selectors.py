"""Reads for the management API and the admin: querysets with their joins prepared."""

from __future__ import annotations

from django.db.models import F, QuerySet

from content.models import (
    Article,
    Category,
    Locale,
    MediaAsset,
    Page,
    PublishableCore,
    Redirect,
    Tag,
)


def entry_list(*, model: type[PublishableCore]) -> QuerySet[PublishableCore]:
    """Items with what their list rows show, in a constant number of queries (trash included)."""
    qs = model.objects.select_related("locale").annotate(
        live_revision_number=F("live_revision__number"),
        latest_revision_number=F("latest_revision__number"),
        trashed_live_revision_number=F("trashed_live_revision__number"),
    )
    if model is Article:
        qs = qs.prefetch_related("tags", "authors")
    return qs


def article_list() -> QuerySet[Article]:
    return entry_list(model=Article)


def page_list() -> QuerySet[Page]:
    return entry_list(model=Page)


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
