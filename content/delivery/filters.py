"""The filters delivery lists can take, each over a column or facet of the snapshot table.

A type names the ones it takes in its registration (`EntryType.delivery_filters`); the
common parameters (locale, search, ordering, paging, fields, expand) need no naming. A
filter parses its query parameter strictly (a malformed value is a 400) and narrows the
snapshot query with the request's value as a `Param`, so its SQL is compiled once per
shape (content.delivery.compiled).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import (
    BigIntegerField,
    CharField,
    DateTimeField,
    Exists,
    Field,
    OuterRef,
    Q,
    QuerySet,
)
from django.utils.dateparse import parse_date, parse_datetime
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ValidationError

from content.delivery.compiled import Param
from content.models.snapshots import SnapshotFacet
from core.filters import to_utc


def error(name: str, message: str) -> ValidationError:
    return ValidationError({name: [message]})


@dataclass(frozen=True)
class DeliveryFilter:
    """One list filter: how its parameter is read, and what it keeps."""

    name: str
    # The parameter's value as the query binds it; raises a ValidationError when malformed.
    parse: Callable[[str, str], Any]
    # The snapshot query narrowed to the value (a Param of `field`).
    apply: Callable[[QuerySet, Param], QuerySet]
    field: Field
    kind: type  # the parameter's type in the OpenAPI schema
    description: str
    # What the filter reads, when its name alone does not say (a runtime type's field, by
    # storage key): part of the compiled query's key (content.delivery.compiled).
    shape: str = ""
    # A filter on a typed value (SnapshotValue named `shape`): its condition on the value
    # row. The conditions on one field join in one EXISTS (a date range is one index range
    # scan, not two semi-joins), and `apply` is not called.
    condition: Callable[[Param], Q] | None = None

    def parameter(self) -> OpenApiParameter:
        return OpenApiParameter(self.name, self.kind, description=self.description)


def _text(name: str, raw: str) -> str:
    return raw[:150]


def _id(message: str) -> Callable[[str, str], str]:
    def parse(name: str, raw: str) -> str:
        if not raw.isdigit():
            raise error(name, message)
        return raw

    return parse


def _page_id(name: str, raw: str) -> int:
    return int(_id("Give a page id.")(name, raw))


def datetime_param(name: str, raw: str) -> datetime:
    try:
        value = parse_datetime(raw)
        if value is None and (day := parse_date(raw)) is not None:
            value = datetime(day.year, day.month, day.day)  # noqa: DTZ001 - made aware below
    except ValueError:
        value = None
    if value is None:
        raise error(name, "Use an ISO 8601 date or date-time, e.g. 2026-01-31.")
    return to_utc(value, name)


def _facet(name: str) -> Callable[[QuerySet, Param], QuerySet]:
    def apply(qs: QuerySet, value: Param) -> QuerySet:
        facets = SnapshotFacet.objects.filter(snapshot=OuterRef("pk"), name=name, value=value)
        return qs.filter(Exists(facets))

    return apply


ISO_DATE = "ISO 8601 date or date-time."

# In the order they are parsed and applied (the first malformed one is the error reported).
FILTERS = {
    f.name: f
    for f in (
        DeliveryFilter(
            name="category",
            parse=_text,
            apply=lambda qs, v: qs.filter(category_slug=v),
            field=CharField(),
            kind=str,
            description="Category slug.",
        ),
        DeliveryFilter(
            name="tag",
            parse=_text,
            apply=_facet("tag"),
            field=CharField(),
            kind=str,
            description="Tag slug.",
        ),
        DeliveryFilter(
            name="author",
            parse=_id("Give an author id."),
            apply=_facet("author"),
            field=CharField(),
            kind=int,
            description="Author id.",
        ),
        DeliveryFilter(
            name="parent",
            parse=_page_id,
            apply=lambda qs, v: qs.filter(parent_id=v),
            field=BigIntegerField(),
            kind=int,
            description="Only the children of this page.",
        ),
        DeliveryFilter(
            name="published_after",
            parse=datetime_param,
            apply=lambda qs, v: qs.filter(published_at__gte=v),
            field=DateTimeField(),
            kind=str,
            description=ISO_DATE,
        ),
        DeliveryFilter(
            name="published_before",
            parse=datetime_param,
            apply=lambda qs, v: qs.filter(published_at__lt=v),
            field=DateTimeField(),
            kind=str,
            description=ISO_DATE,
        ),
    )
}


def filters_named(names: tuple[str, ...], api_name: str) -> dict[str, DeliveryFilter]:
    """A type's filters, in FILTERS order; an unknown name is a configuration error."""
    unknown = set(names) - set(FILTERS)
    if unknown:
        raise ImproperlyConfigured(
            f"{api_name}: no delivery filter is called {', '.join(sorted(unknown))}."
        )
    return {name: f for name, f in FILTERS.items() if name in names}
