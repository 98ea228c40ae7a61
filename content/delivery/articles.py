"""Article's delivery (its registration's `delivery`): its relations expanded one level
(category, tags, authors, cover image), its summary searched, and the category column and
tag and author facets its filters read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from rest_framework import serializers

from content.delivery import schema
from content.delivery.entries import EntryDelivery
from content.delivery.payloads import Extras, Related, first_day
from content.models import Category, PublishableCore, Tag


@dataclass
class Taxonomy:
    """The categories, tags and authors a batch of articles refers to."""

    categories: dict[int, Category] = field(default_factory=dict)
    tags: dict[int, Tag] = field(default_factory=dict)
    authors: dict[int, Any] = field(default_factory=dict)


def _category(category: Category | None) -> dict[str, Any] | None:
    if category is None:
        return None
    return {"id": category.pk, "name": category.name, "slug": category.slug}


class ArticleDelivery(EntryDelivery):
    def media_ids(self, snap: dict[str, Any]) -> tuple[int | None, ...]:
        return (snap.get("cover_image"),)

    def load(self, snapshots: list[dict[str, Any]]) -> Taxonomy:
        categories: set[int] = set()
        tags: set[int] = set()
        authors: set[int] = set()
        for snap in snapshots:
            if snap.get("category"):
                categories.add(snap["category"])
            tags.update(snap.get("tags") or [])
            authors.update(snap.get("authors") or [])
        return Taxonomy(
            categories=Category.objects.in_bulk(categories),
            tags=Tag.objects.in_bulk(tags),
            authors=get_user_model().objects.only("id", "full_name", "email").in_bulk(authors),
        )

    def extras(self, entry: PublishableCore, snap: dict[str, Any], related: Related) -> Extras:
        loaded: Taxonomy = related.loaded
        category = loaded.categories.get(snap.get("category"))
        tags = [loaded.tags[t] for t in snap.get("tags") or [] if t in loaded.tags]
        authors = [loaded.authors[a] for a in snap.get("authors") or [] if a in loaded.authors]
        fields = {
            "summary": snap.get("summary") or "",
            # The editor's date, else the day it first went live (publishing never writes
            # a date into the draft: a field nobody touched stays as it was).
            "published_date": snap.get("published_date") or first_day(entry),
            "category": _category(category),
            "tags": [{"id": t.pk, "name": t.name, "slug": t.slug} for t in tags],
            "authors": [{"id": a.pk, "name": a.get_full_name()} for a in authors],
            "cover_image": related.media_payload(snap.get("cover_image")),
        }
        return Extras(
            fields=fields,
            search_text=snap.get("summary") or "",
            columns={"category_slug": category.slug if category else ""},
            facets=[("tag", t.slug) for t in tags] + [("author", str(a.pk)) for a in authors],
        )

    def schema_fields(self) -> dict[str, serializers.Field]:
        return {
            "summary": schema.plain(required=False),
            "published_date": serializers.DateField(allow_null=True, required=False),
            "category": schema.Expandable(
                schema.CategoryRefSerializer, allow_null=True, required=False
            ),
            "tags": serializers.ListField(
                child=schema.Expandable(schema.TagSerializer), required=False
            ),
            "authors": serializers.ListField(
                child=schema.Expandable(schema.AuthorSerializer), required=False
            ),
            "cover_image": schema.Expandable(
                schema.MediaSerializer, allow_null=True, required=False
            ),
        }
