"""Page-number paging as a keyset seek: page N of a list costs what page 1 does.

`?page=N` used to count every matching row and walk (N - 1) * limit index entries (with their
heap rows, for the expiry test) before the page's own: page 451 of 20 cost PostgreSQL
about twice page 1, and the count was paid on every page. Instead, the first page-number
request of a list (its filters, locale, ordering and limit) at a content version numbers
the matching rows once, in one statement that also reads the content version and the next
expiry (content.models.snapshots.DeliveryState), and keeps the count and the sort key of
the last row of every page (a `PageMap`, in this process). Page N is then the
`limit` rows after page N-1's last key: an index seek, as a cursor page is.

Why a keyset translation rather than the other two ways the issue names: a count cached
per version still walks the offset, and an estimate beyond a threshold makes `count`,
and so `next` on the last pages, inexact. The translation is exact, as long as the map
is of the rows being read, which each seek checks for itself: it reads the content
version in the same statement as its rows (every publish, unpublish, delete and re-index
moves it in the transaction that changes the snapshots: content.delivery.services), and
the map is used only before the first served item's expiry noted with it. A seek that
finds another version, or no rows, is answered by the plain OFFSET instead, and the map
is built again on the next request.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import connections
from django.db.models import Count, F, Func, OrderBy, QuerySet, Subquery, Window
from django.db.models.functions import RowNumber
from django.db.models.lookups import GreaterThan, LessThan
from django.utils import timezone

from content.delivery import compiled
from content.delivery import query as q
from content.delivery.compiled import Param
from content.models.snapshots import DeliverySnapshot, DeliveryState
from core.rehearsal import rehearsing
from core.replicas import read_alias

if TYPE_CHECKING:
    from content.delivery.query import ListQuery

MAX_MAPS = 256  # a process's page maps; past this they are built afresh
# A map's pages at most (a million items at 20 a page), and all maps' together: about
# 100 bytes a page. A list with more pages is answered by the plain OFFSET.
MAX_PAGES = 50_000
MAX_TOTAL_PAGES = 500_000
VERSION = "content_version"  # the column each seek and each map read adds

_maps: dict[Hashable, PageMap] = {}


@dataclass(frozen=True)
class PageMap:
    """A list's row count and the sort key of the last row of each full page, as of a
    content version."""

    version: int | None
    expiry: datetime | None  # the first served item's expiry then: the map ends there
    count: int
    boundaries: list[tuple[Any, int]]


def applies(query: ListQuery, order: tuple) -> bool:
    """Whether the list can be paged by seeking: one of the common orderings, whose keys
    are unique (the id breaks ties), and no search (a search engine's matches are not
    versioned by the database), nor in a rehearsal (a release preview: its snapshots
    change, rolled back after, while the content version stays)."""
    return not query.search and order == q.ORDERINGS.get(query.ordering) and not rehearsing()


def _key(query: ListQuery) -> Hashable:
    filters = tuple(
        sorted((name, query.available[name].shape, repr(v)) for name, v in query.filters.items())
    )
    return (read_alias(), q.sql_shape(query), filters)


def _version() -> Subquery:
    return Subquery(DeliveryState.objects.filter(pk=1).values("version")[:1])


def _expiry() -> Subquery:
    return Subquery(DeliveryState.objects.filter(pk=1).values("next_expiry")[:1])


def _build(qs: QuerySet, order: tuple, limit: int) -> PageMap | None:
    """Number the matching rows in the database and read back only each page's last row
    (and the list's last), with the count, the version and the expiry: one statement that
    walks the index once, as the count did, and returns count / limit rows."""
    fields = [f.lstrip("-") for f in order]
    numbered = (
        qs.annotate(
            map_position=Window(RowNumber(), order_by=[_sorted(f) for f in order]),
            map_count=Window(Count("pk")),
            map_version=_version(),
            map_expiry=_expiry(),
        )
        .order_by()
        .values_list(*fields, "map_position", "map_count", "map_version", "map_expiry")
    )
    compiler = numbered.query.get_compiler(using=qs.db)
    sql, params = compiler.as_sql()
    # The page ends only: a window's value is filtered outside the query that computes it.
    wrapped = (
        f"SELECT * FROM ({sql}) numbered WHERE map_position %% %s = 0 "  # noqa: S608 - the ORM's SQL, parameterised
        "OR map_position = map_count ORDER BY map_position LIMIT %s"
    )
    with connections[qs.db].cursor() as cursor:
        cursor.execute(wrapped, [*params, limit, MAX_PAGES + 2])
        fetched = cursor.fetchall()
    if len(fetched) > MAX_PAGES + 1:
        return None  # too many pages to keep
    converters = compiler.get_converters([s[0] for s in compiler.select[: compiler.col_count]])
    if converters:
        fetched = list(compiler.apply_converters(fetched, converters))
    if not fetched:
        return None  # no rows to check a seek's version against: the plain OFFSET answers
    count, version, expiry = fetched[0][3], fetched[0][4], fetched[0][5]
    boundaries = [(row[0], row[1]) for row in fetched if row[2] % limit == 0]
    return PageMap(version, expiry, count, boundaries)


def _sorted(name: str) -> OrderBy:
    return F(name[1:]).desc() if name.startswith("-") else F(name).asc()


def current(query: ListQuery, qs: QuerySet, order: tuple) -> PageMap | None:
    """This list's map, built now if there is none or its expiry has passed."""
    key = _key(query)
    found = _maps.get(key)
    if found is None or (found.expiry is not None and timezone.now() >= found.expiry):
        found = _build(qs, order, query.limit)
        if found is not None:
            kept = sum(len(m.boundaries) for m in _maps.values())
            if len(_maps) >= MAX_MAPS or kept + len(found.boundaries) > MAX_TOTAL_PAGES:
                _maps.clear()
            _maps[key] = found
    return found


def forget(query: ListQuery) -> None:
    """Drop this list's map: a seek found another version."""
    _maps.pop(_key(query), None)


def seek(
    query: ListQuery, values: dict[str, Any], order: tuple, found: PageMap, columns: tuple
) -> list[dict[str, Any]] | None:
    """The page's rows, found after the previous page's last key; None when the map is
    not of the rows read (another version) or the page is empty (nothing to check)."""
    page = query.page or 1
    if (page - 1) * query.limit >= found.count:
        return None  # past the end: nothing to check the version against
    after = found.boundaries[page - 2] if page > 1 else None
    bound = {**values, **({"after_key": after[0], "after_id": after[1]} if after else {})}
    fields = [f.lstrip("-") for f in order]
    key_field = DeliverySnapshot._meta.get_field(fields[0])

    def build():
        qs = q.filtered(query, bound)
        if after is not None:
            pair: dict[str, Any] = {"template": "(%(expressions)s)", "output_field": key_field}
            row = Func(*fields, **pair)
            mark = Func(
                Param("after_key", bound["after_key"], key_field),
                Param("after_id", bound["after_id"], DeliverySnapshot._meta.pk),
                **pair,
            )
            descending = order[0].startswith("-")
            qs = qs.filter(LessThan(row, mark) if descending else GreaterThan(row, mark))
        qs = qs.annotate(map_version=_version()).order_by(*order)
        return qs.values_list(*columns, "map_version")[: query.limit]

    shape = ("page", q.sql_shape(query), after is not None)
    fetched = compiled.rows(shape, build, bound)
    if not fetched:
        return None
    if any(row[-1] != found.version for row in fetched):
        forget(query)  # built again by the next request
        return None
    return [dict(zip(columns, row[:-1], strict=True)) for row in fetched]


def clear() -> None:
    """Forget every map (tests)."""
    _maps.clear()
