"""The OpenAPI description of a runtime type's delivery (content.delivery.runtime).

Its routes serve every runtime type through `{api_id}`; the schema shows them once per
type (`/api/v1/delivery/entries/concert/`, `.../concert/{slug}/`) through
content.runtime.schema.per_runtime_type and the views `list_view_for` and
`detail_view_for` make, with the type's components (`DeliveryConcertSummary`,
`DeliveryConcert`, `DeliveryConcertList`, named as code types' are) and list parameters.

An item's own fields are typed as delivery renders them: values by their kind
(content.serializers.runtime.typed_value_field), media as media objects, rich text as
blocks, references as {"type", "id"}, or the referenced item's summary when `expand=`
asks for it (null when that item is not published).
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers

from content.delivery import schema
from content.delivery.registry import entry_delivery
from content.delivery.runtime_values import filter_lookups
from content.delivery.views import DETAIL_PARAMS
from content.models import FieldKind
from content.serializers.runtime import typed_value_field
from content.serializers.runtime_schema import EntryReferenceSerializer, query_schema
from content.types import EntryType, entry_type

if TYPE_CHECKING:
    from content.delivery.runtime import RuntimeDelivery


class DeliveredReference(serializers.Field):
    """A reference as delivered: {"type", "id"}, or the summary of the referenced item
    (one of `types`) when `expand=` names the field."""

    def __init__(self, types, **kwargs):
        self.types = tuple(types)
        super().__init__(**kwargs)


class DeliveredReferenceExtension(OpenApiSerializerFieldExtension):
    target_class = DeliveredReference

    def map_serializer_field(self, auto_schema, direction):
        shapes = [auto_schema.resolve_serializer(EntryReferenceSerializer, direction).ref]
        for api_id in self.target.types:
            try:
                found = entry_type(api_id)
            except LookupError:  # a type removed since: its references stay {"type", "id"}
                continue
            summary = entry_delivery(found).summary_serializer
            # Resolved when the schema is made, not when the summary is: types may
            # reference each other.
            shapes.append(auto_schema.resolve_serializer(summary, direction).ref)
        return {"anyOf": shapes} if len(shapes) > 1 else shapes[0]


def _field(field) -> serializers.Field:
    notes = {"help_text": field.help_text} if field.help_text else {}
    if field.kind == FieldKind.MEDIA:  # null too when the asset is gone
        return schema.MediaSerializer(required=False, allow_null=True, **notes)
    if field.kind == FieldKind.RICH_TEXT:  # a copy made now: fields keep their creation order
        return copy.deepcopy(schema.BLOCK)
    if field.kind == FieldKind.REFERENCE:
        types = field.options["types"]
        if field.options.get("many"):  # an unpublished item is left out of the list
            child = DeliveredReference(types)
            return serializers.ListField(child=child, required=False, **notes)
        return DeliveredReference(types, required=False, allow_null=True, **notes)
    return typed_value_field(field, required=False)


def delivered_fields(delivery: RuntimeDelivery) -> dict[str, serializers.Field]:
    """A runtime type's own keys in its delivery components (none required: `fields=`
    may leave any out)."""
    return {field.api_id: _field(field) for field in delivery.own}


def list_parameters(delivery: RuntimeDelivery) -> list[OpenApiParameter]:
    """The common list parameters, the type's filters typed, and `ordering`'s choices."""
    filters = [
        OpenApiParameter(name, query_schema(field, compare), description=f"{field.label} ({op}).")
        for name, field, compare, op in filter_lookups(delivery.fields)
    ]
    ordering = OpenApiParameter("ordering", str, enum=list(delivery.orderings))
    return [*schema.LIST_PARAMETERS, *filters, ordering]


def list_view_for(view_class: type, entry_type: EntryType) -> type:
    """`view_class` (RuntimeEntryListView) as it serves `entry_type`, for the schema."""
    delivery = entry_delivery(entry_type)

    @extend_schema(
        tags=["delivery"],
        operation_id=f"delivery_entries_{delivery.kind}_list",
        description=f"Published {delivery.kind.replace('_', ' ')} entries: filter, search, "
        "order, choose fields, expand references, page or scroll by cursor.",
        parameters=list_parameters(delivery),
        responses=delivery.list_serializer,
    )
    def get(self, request):
        return view_class.get(self, request, api_id=delivery.kind)

    return type(f"{delivery.name}ListView", (view_class,), {"get": get})


def detail_view_for(view_class: type, entry_type: EntryType) -> type:
    """`view_class` (RuntimeEntryDetailView) as it serves `entry_type`, for the schema."""
    delivery = entry_delivery(entry_type)

    @extend_schema(
        tags=["delivery"],
        operation_id=f"delivery_entries_{delivery.kind}_retrieve",
        description=f"One published {delivery.kind.replace('_', ' ')} by slug (in `locale`, "
        "falling back to the default locale).",
        parameters=[OpenApiParameter(n, str) for n in DETAIL_PARAMS],
        responses=delivery.detail_serializer,
    )
    def get(self, request, slug: str):
        return view_class.get(self, request, api_id=delivery.kind, slug=slug)

    return type(f"{delivery.name}DetailView", (view_class,), {"get": get})
