"""A delivery list of one type: a page of summaries from the snapshot table, paged by
cursor (the default, compiled once per shape) or by page number (which adds `count`)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from content import frontend
from content.delivery import compiled, paging, search
from content.delivery import query as q
from content.delivery.http import Payload
from content.models.snapshots import DeliverySnapshot

if TYPE_CHECKING:
    from content.delivery.entries import EntryDelivery


def _list_body(rows, delivery: EntryDelivery, fields, expand, extra) -> tuple[bytes, list[str]]:
    """The body, and the surrogate keys of the items `expand=` put in it."""
    linked = delivery.linked
    expanded: list[str] = []
    if fields is None and expand is None:
        items = ",".join(
            frontend.absolute_json(r["summary_json"], r["locale"], linked) for r in rows
        )
    else:
        parsed = [frontend.absolute_item(json.loads(r["summary_json"]), linked) for r in rows]
        shaped = delivery.shape(parsed, fields, expand)
        expanded = q.expanded_keys(shaped, expand)
        items = ",".join(json.dumps(item) for item in shaped)
    envelope = json.dumps(extra)[1:-1]
    return f'{{"results":[{items}],{envelope}}}'.encode(), expanded


def entry_list(request, delivery: EntryDelivery) -> Payload:
    """A page of summaries: a cursor (default) or page numbers (adds `count`)."""
    params = request.GET
    query = q.parse_list(params, delivery)
    fields = q.fields_param(params, delivery.summary_fields)
    expand = q.expand_param(params, delivery.relations)
    values = q.bindings(query)
    ranked = q.is_ranked(query, params)
    if ranked:  # relevance has no stable cursor, so ranked results are paged by number
        query.page = query.page or 1
    columns = ("id", "published_at", "updated_at", "object_id", "locale", "summary_json")
    extra: dict = {}
    if query.page is not None:
        qs, order = delivery.order(q.filtered(query, values), query.ordering)
        if ranked:
            qs, order = search.backend().ranked(qs, query), ("-rank", "-id")  # best matches first
        found = paging.current(query, qs, order) if paging.applies(query, order) else None
        rows = paging.seek(query, values, order, found, columns) if found else None
        if found is not None and rows is not None:
            count = found.count
        else:
            count, rows = _offset_page(qs, query, order, columns)
        offset = (query.page - 1) * query.limit
        extra["count"] = count
        extra["next"] = _page_url(request, query.page + 1) if offset + len(rows) < count else None
        extra["previous"] = _page_url(request, query.page - 1) if query.page > 1 else None
    else:
        rows, extra["next"], extra["previous"] = _cursor_page(request, query, values, columns)
    last_modified = max((r["updated_at"] for r in rows), default=None)
    kind = delivery.kind
    body, expanded = _list_body(rows, delivery, fields, expand, extra)
    keys = [kind] + [f"{kind}-{r['object_id']}" for r in rows] + expanded
    return Payload(body, last_modified, keys)


def _offset_page(qs, query, order, columns) -> tuple[int, list[dict]]:
    """The count, and the page's rows by OFFSET: a ranked search's, a custom ordering's,
    and what content.delivery.paging cannot answer."""
    count = qs.count()
    offset = (query.page - 1) * query.limit
    # Deferred join: walk the index for ids, then fetch only this page's JSON.
    ids = list(qs.order_by(*order).values_list("id", flat=True)[offset : offset + query.limit])
    by_id = {r["id"]: r for r in DeliverySnapshot.served.filter(id__in=ids).values(*columns)}
    return count, [by_id[i] for i in ids]


def _cursor_page(request, query, values, columns):
    """A page after (or before) the cursor; compiled once per shape, as it is what most
    delivery traffic asks for (content.delivery.compiled)."""
    backwards = query.backwards
    order = q.ORDERINGS[query.ordering]
    walk = order if not backwards else tuple(f[1:] if f[0] == "-" else f"-{f}" for f in order)

    def build():
        return q.filtered(query, values).order_by(*walk).values_list(*columns)[: query.limit + 1]

    # Search terms are not Params, so a search is compiled afresh each time.
    fetched = list(build()) if query.search else compiled.rows(q.sql_shape(query), build, values)
    rows = [dict(zip(columns, row, strict=True)) for row in fetched]
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    if backwards:
        rows.reverse()
    if query.ordering not in q.CURSOR_ORDERINGS or not rows:
        return rows, None, None
    first, last = rows[0], rows[-1]
    has_next = more if not backwards else True
    has_previous = more if backwards else query.cursor is not None
    next_url = _cursor_url(request, last, query.ordering, False) if has_next else None
    previous_url = _cursor_url(request, first, query.ordering, True) if has_previous else None
    return rows, next_url, previous_url


def _link(request, name: str, value: str) -> str:
    """This request's absolute URL with one parameter set (each is given at most once)."""
    query = urlencode({**request.GET.dict(), name: value})
    return request.build_absolute_uri(f"{request.path}?{query}")


def _page_url(request, page: int) -> str:
    return _link(request, "page", str(page))


def _cursor_url(request, row, ordering: str, backwards: bool) -> str:
    token = q.encode_cursor(row["published_at"].isoformat(), row["id"], ordering, backwards)
    return _link(request, "cursor", token)
