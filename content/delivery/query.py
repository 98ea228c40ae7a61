"""Strict parsing of delivery query parameters, and the snapshot queries behind them.

Every parameter is validated: an unknown name, a malformed date, an out-of-range
`limit` or a foreign cursor is a 400, never a silent default or a 500.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import (
    BigIntegerField,
    CharField,
    DateTimeField,
    Exists,
    F,
    Field,
    Func,
    OuterRef,
    Q,
    QuerySet,
)
from django.db.models.lookups import GreaterThan, LessThan
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework.exceptions import ValidationError

from content.delivery import search
from content.delivery.compiled import Param
from content.delivery.filters import error as _error
from content.delivery.locales import locale_codes, locale_is_known
from content.models.snapshots import DeliverySnapshot, SnapshotValue
from core.filters import to_utc
from core.pagination import parse_limit

if TYPE_CHECKING:
    from content.delivery.entries import EntryDelivery
    from content.delivery.filters import DeliveryFilter

ORDERINGS = {
    "published_at": ("published_at", "id"),
    "-published_at": ("-published_at", "-id"),
    "title": ("title", "id"),
    "-title": ("-title", "-id"),
}
CURSOR_ORDERINGS = ("-published_at", "published_at")
MAX_ID = 2**63 - 1  # the largest id the databases store; a bigger one is a forged cursor
LIST_PARAMS = frozenset(
    {"locale", "fields", "expand", "limit", "page", "cursor", "ordering", "search"}
)


# A release preview token (content.delivery.release_preview): any endpoint may carry it.
RELEASE_PREVIEW = "release_preview"


def check_params(params, allowed: AbstractSet[str]) -> None:
    unknown = sorted(set(params) - allowed - {RELEASE_PREVIEW})
    if unknown:
        raise ValidationError({name: ["Unknown query parameter."] for name in unknown})
    for name in params:
        if len(params.getlist(name)) > 1:
            raise _error(name, "Give this parameter once.")


def locale_param(params) -> str:
    """The requested locale: a code Folio has (an unknown one is a 400, as an unknown filter
    is, rather than a silent fall back to the default locale)."""
    locale = params.get("locale", settings.CONTENT_DEFAULT_LOCALE)
    if not locale or len(locale) > 16:
        raise _error("locale", "Give a locale code such as 'en'.")
    if not locale_is_known(locale):
        raise _error("locale", f"Unknown locale; choose from: {', '.join(sorted(locale_codes()))}.")
    return locale


def fields_param(params, available: tuple[str, ...]) -> list[str] | None:
    raw = params.get("fields")
    if raw is None:
        return None
    names = [n for n in raw.split(",") if n]
    unknown = [n for n in names if n not in available]
    if not names or unknown:
        raise _error("fields", f"Choose from: {', '.join(available)}.")
    return names


def expand_param(params, relations: tuple[str, ...]) -> set[str] | None:
    """The relations (of the type's) to expand; the others come as ids."""
    raw = params.get("expand")
    if raw is None:
        return None
    names = {n for n in raw.split(",") if n}
    if any("." in n for n in names):
        raise _error("expand", "Relations expand at most one level.")
    unknown = names.difference(relations)
    if unknown:
        raise _error("expand", f"Choose from: {', '.join(relations)}.")
    return names


def shape(
    item: dict[str, Any],
    relations: tuple[str, ...],
    fields: list[str] | None,
    expand: set[str] | None,
):
    """Apply `fields=` and `expand=`: unexpanded relations collapse to their ids."""
    if expand is not None:
        for name in relations:
            if name in expand or name not in item:
                continue
            value = item[name]
            if isinstance(value, list):  # a type's generic delivery keeps ids as they are
                item[name] = [v["id"] if isinstance(v, dict) else v for v in value]
            elif isinstance(value, dict):
                item[name] = value["id"]
    if fields is not None:
        item = {name: item[name] for name in fields if name in item}
    return item


def expanded_keys(items: list[dict[str, Any]], expand: set[str] | None) -> list[str]:
    """The surrogate keys ("<type>-<id>") of the items `expand=` put into `items`: a type
    defined as data expands its references when served, so a CDN purge of a referenced
    item must reach the responses that show it."""
    keys = set()
    for item in items:
        for name in expand or ():
            value = item.get(name)
            for ref in value if isinstance(value, list) else [value]:
                if isinstance(ref, dict) and "type" in ref and "id" in ref:
                    keys.add(f"{ref['type']}-{ref['id']}")
    return sorted(keys)


@dataclass
class ListQuery:
    kind: str
    locale: str
    ordering: str
    limit: int
    page: int | None = None
    cursor: tuple[datetime, int, bool] | None = None  # (published_at, id, backwards)
    search: str | None = None
    # The filters asked for, by name, with their values (in content.delivery.filters
    # order), and the type's filters they were chosen from.
    filters: dict[str, Any] = field(default_factory=dict)
    available: Mapping[str, DeliveryFilter] = field(default_factory=dict)
    # A search engine's matches, (item id, score) best first, once asked (delivery.search).
    search_hits: list[tuple[int, float]] | None = field(default=None, repr=False)

    @property
    def backwards(self) -> bool:
        """Walking from the cursor towards the first page."""
        return bool(self.cursor and self.cursor[2])


def parse_list(params, delivery: EntryDelivery) -> ListQuery:
    """A list request of the type `delivery` serves: the common parameters, its filters."""
    check_params(params, delivery.list_params)
    query = ListQuery(
        kind=delivery.kind,
        locale=locale_param(params),
        ordering=params.get("ordering", "-published_at"),
        limit=parse_limit(params, default=20, maximum=100),
        available=delivery.filters,
    )
    if query.ordering not in delivery.orderings:
        raise _error("ordering", f"Choose from: {', '.join(delivery.orderings)}.")
    if "page" in params and "cursor" in params:
        raise _error("cursor", "Use either page or cursor, not both.")
    if "page" in params:
        raw = params["page"]
        if not raw.isdigit() or not 1 <= int(raw) <= 100_000:
            raise _error("page", "Must be a whole number from 1 to 100000.")
        query.page = int(raw)
    if "cursor" in params:
        query.cursor = decode_cursor(params["cursor"], query.ordering)
    elif query.page is None and query.ordering not in CURSOR_ORDERINGS:
        # Titles have no cursor: number the pages, so `next` still leads to the rest.
        query.page = 1
    if "search" in params:
        term = params["search"].strip()
        if not 1 <= len(term) <= 200:
            raise _error("search", "Give 1 to 200 characters.")
        query.search = term
    for name, flt in delivery.filters.items():
        if name in params:
            query.filters[name] = flt.parse(name, params[name])
    return query


def encode_cursor(published_at: str, pk: int, ordering: str, backwards: bool = False) -> str:
    raw = json.dumps([published_at, pk, ordering, int(backwards)], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(token: str, ordering: str) -> tuple[datetime, int, bool]:
    if ordering not in CURSOR_ORDERINGS:
        raise _error("cursor", "Cursors work with ordering=-published_at or published_at.")
    try:
        padded = token + "=" * (-len(token) % 4)
        published_at, pk, cursor_ordering, backwards = json.loads(
            base64.urlsafe_b64decode(padded.encode())
        )
        moment = parse_datetime(published_at)
        if cursor_ordering != ordering or moment is None or backwards not in (0, 1):
            raise ValueError
        if not isinstance(pk, int) or not 0 <= pk <= MAX_ID:
            raise ValueError
        # Cursors come back from clients: an instant the database can compare, in UTC.
        return to_utc(moment, "cursor"), pk, bool(backwards)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError, DjangoValidationError):
        raise _error("cursor", "This cursor is invalid; start again from the first page.") from None


# The values every list query may take, by the name of its Param (content.delivery.compiled);
# a filter's value is a Param of the filter's own field.
PARAM_FIELDS: dict[str, Field] = {
    "now": DateTimeField(),
    "locale": CharField(),
    "cursor_at": DateTimeField(),
    "cursor_id": BigIntegerField(),
}


def bindings(query: ListQuery) -> dict[str, Any]:
    """The request's values for the Params of the query `filtered` builds."""
    values = {"now": timezone.now(), "locale": query.locale, **query.filters}
    if query.cursor:
        values["cursor_at"], values["cursor_id"], _ = query.cursor
    return values


def sql_shape(query: ListQuery) -> tuple:
    """Everything but the bound values that decides a cursor page's SQL (its cache key)."""
    return (
        query.kind,
        falls_back(query.locale),
        settings.CONTENT_DEFAULT_LOCALE,
        # A filter's shape names what it reads (a runtime field's storage key), which a
        # type change may give another parameter name.
        tuple(sorted((name, query.available[name].shape) for name in query.filters)),
        query.cursor is not None,
        query.backwards,
        query.ordering,
        query.limit,
    )


def falls_back(locale: str) -> bool:
    """Whether a list in `locale` shows default-locale items that have no translation."""
    return locale != settings.CONTENT_DEFAULT_LOCALE and settings.DELIVERY_LOCALE_FALLBACK


def _locale_q(kind: str, locale: Param, now: Param) -> Q:
    """The locale's items, plus default-locale items that have no translation in it."""
    if not falls_back(locale.value):
        return Q(locale=locale)
    translated = DeliverySnapshot.served.at(now).filter(
        kind=kind, locale=locale, translation_key=OuterRef("translation_key")
    )
    return Q(locale=locale) | (Q(locale=settings.CONTENT_DEFAULT_LOCALE) & ~Exists(translated))


def filtered(query: ListQuery, values: dict[str, Any]) -> QuerySet[DeliverySnapshot]:
    """The query's items, with the request's `values` (see `bindings`) as Params."""
    p = {name: Param(name, values[name], f) for name, f in PARAM_FIELDS.items() if name in values}
    qs = DeliverySnapshot.served.at(p["now"]).filter(
        _locale_q(query.kind, p["locale"], p["now"]), kind=query.kind
    )
    by_value: dict[str, list[Q]] = {}
    for name in query.filters:
        flt = query.available[name]
        param = Param(name, values[name], flt.field)
        if flt.condition is not None:
            by_value.setdefault(flt.shape, []).append(flt.condition(param))
        else:
            qs = flt.apply(qs, param)
    for value_name, conditions in by_value.items():
        rows = SnapshotValue.objects.filter(snapshot=OuterRef("pk"), name=value_name)
        qs = qs.filter(Exists(rows.filter(*conditions)))
    if "cursor_at" in p:
        # A row-value comparison, so SQLite and PostgreSQL both seek the (published_at, id)
        # index instead of scanning: page 500 costs what page 1 does.
        pair: dict[str, Any] = {"template": "(%(expressions)s)", "output_field": DateTimeField()}
        row = Func(F("published_at"), F("id"), **pair)
        cursor = Func(p["cursor_at"], p["cursor_id"], **pair)
        descending = query.ordering.startswith("-")
        after = descending != query.backwards  # walking towards older items
        qs = qs.filter(LessThan(row, cursor) if after else GreaterThan(row, cursor))
    if query.search:
        qs = search.backend().matching(qs, query)
    return qs


def is_ranked(query: ListQuery, params) -> bool:
    """A search is ordered by relevance, where the backend ranks, unless the client chose
    an ordering."""
    return bool(query.search) and "ordering" not in params and search.backend().ranks()
