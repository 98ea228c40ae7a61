"""The delivery of a type defined as data (content.runtime): `RuntimeDelivery`, and the two
views that serve every such type at `delivery/entries/<api_id>/` and
`delivery/entries/<api_id>/<slug>/`.

Types change while the process runs, so no route is made per type: the routes carry the
api_id and each request resolves it to the type's delivery as registered now
(content.delivery.registry builds one per EntryType object, so the lookup is a dict read
until the type changes). Snapshots are written by the same publish path as every type's;
a change of the definition re-renders the type's published snapshots
(content.delivery.services.snapshots_for_type).

An item is the common keys, then each live field by api_id with its stored value (a
missing one reads as the field's default): media as media objects, rich text as body
blocks, references as {"type", "id"}, which `expand=` turns into the referenced item's
delivery summary when a request asks (null, or left out of a list, when it is not
published). Filters and `ordering=` read the typed values in SnapshotValue
(content.delivery.runtime_values).
"""

from __future__ import annotations

import json
from typing import Any

from django.db.models import F, FilteredRelation, Q, QuerySet
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.exceptions import NotFound

from content import frontend
from content.blocks import body_image_ids
from content.delivery import runtime_schema
from content.delivery.entries import DETAIL_EXTRA, EntryDelivery
from content.delivery.payloads import Extras, Related, body_blocks
from content.delivery.query import LIST_PARAMS, ORDERINGS
from content.delivery.registry import entry_delivery
from content.delivery.runtime_values import (
    COLUMN,
    compares_as,
    field_filters,
    value_name,
    value_rows,
)
from content.delivery.views import EntryDetailView, EntryListView
from content.models import FieldKind
from content.models.snapshots import DeliverySnapshot
from content.runtime.kinds import text_of
from content.types import CORE_SUMMARY, EntryType, entry_type

API_ID = r"[a-z][a-z0-9_]*"


def _refs(value: Any) -> list[dict[str, Any]]:
    items = value if isinstance(value, list) else [value]
    return [r for r in items if isinstance(r, dict) and "type" in r and "id" in r]


class RuntimeDelivery(EntryDelivery):
    indexes_values = True
    detail_doc = "One {kind}, with its fields, body and SEO fields."

    def __init__(self, entry_type: EntryType):
        super().__init__(entry_type)
        self.fields = entry_type.extra["fields"]  # live, in order
        # A field called "title" is the title field: the core key holds its value.
        self.own = tuple(f for f in self.fields if f.api_id not in CORE_SUMMARY)
        self.extra_keys = tuple(f.api_id for f in self.own)
        self.summary_fields = (*CORE_SUMMARY, *self.extra_keys)
        self.detail_fields = (*self.summary_fields, *DETAIL_EXTRA)
        self.relations = tuple(f.api_id for f in self.fields if f.kind == FieldKind.REFERENCE)
        self.filters = field_filters(self.kind, self.fields)
        self.list_params = LIST_PARAMS | frozenset(self.filters)
        self.sortable = {
            f.api_id: f for f in self.fields if f.sortable and compares_as(f) is not None
        }
        self.orderings = {
            **ORDERINGS,
            **{name: () for api_id in self.sortable for name in (api_id, f"-{api_id}")},
        }

    # --- Rendering -----------------------------------------------------------------

    def _value(self, data: dict[str, Any], field) -> Any:
        return data.get(field.key, field.default)

    def media_ids(self, snap: dict[str, Any]) -> list[int]:
        data = snap.get("data") or {}
        found: list[int] = []
        for field in self.fields:
            value = self._value(data, field)
            if field.kind == FieldKind.MEDIA and isinstance(value, int):
                found.append(value)
            elif field.kind == FieldKind.RICH_TEXT and isinstance(value, list):
                found.extend(body_image_ids(value))
        return found

    def extras(self, entry, snap: dict[str, Any], related: Related) -> Extras:
        data = snap.get("data") or {}
        fields: dict[str, Any] = {}
        for field in self.own:
            value = self._value(data, field)
            if field.kind == FieldKind.MEDIA:
                value = related.media_payload(value) if value else None
            elif field.kind == FieldKind.RICH_TEXT:
                value = body_blocks(value or [], related)
            fields[field.api_id] = value
        text = " ".join(text_of(f, self._value(data, f)) for f in self.fields if f.searchable)
        return Extras(
            fields=fields, search_text=text, values=value_rows(self.kind, self.fields, data)
        )

    def schema_fields(self) -> dict[str, serializers.Field]:
        return runtime_schema.delivered_fields(self)

    def list_parameters(self) -> list[OpenApiParameter]:
        return runtime_schema.list_parameters(self)

    # --- Serving -------------------------------------------------------------------

    def order(self, qs: QuerySet, ordering: str) -> tuple[QuerySet, tuple]:
        """A field's ordering joins the snapshot's row of that field (items without a
        value last), then the id breaks ties."""
        field = self.sortable.get(ordering.lstrip("-"))
        if field is None:
            return super().order(qs, ordering)
        row = FilteredRelation(
            "indexed_values", condition=Q(indexed_values__name=value_name(self.kind, field))
        )
        value = F(f"sort_value__{COLUMN[compares_as(field)]}")
        if ordering.startswith("-"):
            return qs.annotate(sort_value=row), (value.desc(nulls_last=True), "-id")
        return qs.annotate(sort_value=row), (value.asc(nulls_last=True), "id")

    def shape(
        self, items: list[dict[str, Any]], fields: list[str] | None, expand: set[str] | None
    ) -> list[dict[str, Any]]:
        """`expand=` replaces references by the referenced items' delivery summaries (one
        query for the page); the others stay {"type", "id"}."""
        if expand:
            wanted = {(r["type"], r["id"]) for i in items for n in expand for r in _refs(i.get(n))}
            found = _summaries(wanted)
            for item in items:
                for name in expand:
                    value = item.get(name)
                    if isinstance(value, list):
                        item[name] = [
                            found[key]
                            for r in _refs(value)
                            if (key := (r["type"], r["id"])) in found
                        ]
                    elif isinstance(value, dict):
                        item[name] = found.get((value["type"], value["id"]))
        if fields is not None:
            items = [{name: item[name] for name in fields if name in item} for item in items]
        return items


def _summaries(wanted: set[tuple[str, int]]) -> dict[tuple[str, int], dict[str, Any]]:
    """The served summaries of (kind, id) pairs, as delivered (URLs on the frontend)."""
    if not wanted:
        return {}
    by_kind: dict[str, set[int]] = {}
    for kind, pk in wanted:
        by_kind.setdefault(kind, set()).add(pk)
    match = Q()
    for kind, ids in by_kind.items():
        match |= Q(kind=kind, object_id__in=ids)
    rows = DeliverySnapshot.served.filter(match).values_list("kind", "object_id", "summary_json")
    found = {}
    for kind, pk, summary in rows:
        try:
            linked = entry_delivery(entry_type(kind)).linked
        except LookupError:
            continue
        found[(kind, pk)] = frontend.absolute_item(json.loads(summary), linked)
    return found


def runtime_delivery(api_id: str) -> EntryDelivery:
    """The delivery of the runtime type called `api_id` as registered now; 404 otherwise."""
    try:
        found = entry_type(api_id)
    except LookupError:
        found = None
    if found is None or not found.runtime:
        raise NotFound(f"No content type defined as data is called {api_id!r}.")
    return entry_delivery(found)


def _resolve(view, request, api_id: str) -> EntryDelivery:
    try:
        return runtime_delivery(api_id)
    except NotFound:
        view.throttle(request)  # an unknown type costs a request too
        raise


# The schema shows these views once per type, typed (content.delivery.runtime_schema).


class RuntimeEntryListView(EntryListView):
    def get(self, request, api_id: str):
        self.delivery = _resolve(self, request, api_id)
        return super().get(request)


class RuntimeEntryDetailView(EntryDetailView):
    def get(self, request, api_id: str, slug: str):
        self.delivery = _resolve(self, request, api_id)
        return super().get(request, slug)
