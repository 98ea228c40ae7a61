"""How a registered type is delivered: `EntryDelivery`, built once per type and process.

Everything delivery needs to know about a type comes from its registration
(content.types.EntryType) through this class: the snapshot kind, the list and detail
fields, the relations `expand=` takes, the list filters, the URL of an item, the type's
own payload keys, its routes and its OpenAPI components. The generic class delivers a
code-defined type as it is: its extra snapshot fields as JSON values (relations as ids),
at `delivery/<plural>/` and `delivery/<plural>/<slug>/`. A type whose delivery differs
names a subclass in its registration (`EntryType.delivery`): Article's relations, Page's
tree. Delivery views hold their type's instance, so a request looks nothing up.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import models
from django.db.models import QuerySet
from django.urls import URLPattern, path
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers

from content.delivery import schema
from content.delivery.filters import DeliveryFilter, filters_named
from content.delivery.payloads import Extras, Related
from content.delivery.query import LIST_PARAMS, ORDERINGS, shape
from content.delivery.views import DETAIL_PARAMS, EntryDetailView, EntryListView
from content.models.snapshots import DeliverySnapshot
from content.types import CORE_SUMMARY, EntryType

if TYPE_CHECKING:
    from content.models import PublishableCore

DETAIL_EXTRA = ("body", "seo")
_KIND_LENGTH = DeliverySnapshot._meta.get_field("kind").max_length


class EntryDelivery:
    """The delivery of one registered type; subclass it for a type's own keys or routes."""

    # Keys of an item holding a linked item ({id, title, url}) whose `url` is a path on the
    # frontend, like the item's own (content.frontend.absolute_json).
    linked: tuple[str, ...] = ()
    # Keys a detail has beyond the summary, body and seo (added when it is served).
    detail_keys: tuple[str, ...] = ()
    # The detail's description in the OpenAPI schema; {kind} is the type's name.
    detail_doc = "One {kind}, with its body and SEO fields."
    # Its snapshots have typed values (SnapshotValue) that filters and orderings read.
    indexes_values = False
    # `ordering=` choices: name -> the order_by of a list by that ordering.
    orderings: dict[str, tuple[str, ...]] = ORDERINGS

    def __init__(self, entry_type: EntryType):
        self.entry_type = entry_type
        self.kind = entry_type.api_name
        if len(self.kind) > _KIND_LENGTH:
            raise ImproperlyConfigured(
                f"{self.kind!r}: snapshot kinds have at most {_KIND_LENGTH} characters."
            )
        self.plural = entry_type.plural
        # The type's keys after the common ones: its list keys, else its snapshot fields.
        self.extra_keys = entry_type.summary or entry_type.snapshot
        self.summary_fields = (*CORE_SUMMARY, *self.extra_keys)
        self.detail_fields = (*self.summary_fields, *DETAIL_EXTRA, *self.detail_keys)
        self.relations = entry_type.relations
        self.filters: dict[str, DeliveryFilter] = filters_named(
            entry_type.delivery_filters, self.kind
        )
        self.list_params = LIST_PARAMS | frozenset(self.filters)
        # "blog_post" -> "BlogPost": its OpenAPI components are Delivery<Name>...
        self.name = "".join(part.title() for part in self.kind.split("_"))

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.kind}>"

    # --- Rendering a snapshot (content.delivery.payloads.render) -----------------------

    def url(self, entry: PublishableCore, slug: str) -> str:
        """The item's public path: its type's builder, else /<plural>/<slug>/."""
        build = self.entry_type.url_path
        return build(entry, slug) if build else f"/{self.plural}/{slug}/"

    def media_ids(self, snap: dict[str, Any]) -> Iterable[int | None]:
        """Media the type's own keys show, loaded with the batch's other media."""
        return ()

    def load(self, snapshots: list[dict[str, Any]]) -> Any:
        """What the type's keys need for a batch of snapshots, in a few queries (Related)."""
        return None

    def extras(self, entry: PublishableCore, snap: dict[str, Any], related: Related) -> Extras:
        """The type's keys as its revision keeps them (JSON values, relations as ids); its
        text fields are searched."""
        fields = {name: snap.get(name) for name in self.extra_keys}
        text = " ".join(fields[name] or "" for name in self._text_keys)
        return Extras(fields=fields, search_text=text)

    @cached_property
    def _text_keys(self) -> tuple[str, ...]:
        return tuple(
            name
            for name, field in self._model_fields.items()
            if isinstance(field, models.CharField | models.TextField)
        )

    @cached_property
    def _model_fields(self) -> dict[str, models.Field | None]:
        meta = self.entry_type.model._meta
        found: dict[str, models.Field | None] = {}
        for name in self.extra_keys:
            try:
                found[name] = meta.get_field(name)
            except FieldDoesNotExist:
                found[name] = None
        return found

    # --- Serving (content.delivery.listing, content.delivery.views) -------------------

    def order(self, qs: QuerySet, ordering: str) -> tuple[QuerySet, tuple]:
        """The list query ready to be ordered by `ordering`, and its order_by."""
        return qs, self.orderings[ordering]

    def shape(
        self, items: list[dict[str, Any]], fields: list[str] | None, expand: set[str] | None
    ) -> list[dict[str, Any]]:
        """Parsed items with `fields=` and `expand=` applied (relations are expanded in the
        snapshot; `expand=` leaves the others as ids)."""
        return [shape(item, self.relations, fields, expand) for item in items]

    # --- Keeping snapshots current (content.delivery.services) -----------------------

    def refresh_ids(self, entry_ids: list[int]) -> list[int]:
        """The items whose snapshots follow when these items change (a page's subtree)."""
        return entry_ids

    # --- Routes and their OpenAPI description ------------------------------------------

    def urls(self) -> list[URLPattern]:
        """`<plural>/` (the list) and `<plural>/<slug>/` (one item, by slug and locale)."""
        list_view = extend_schema_view(
            get=extend_schema(
                tags=["delivery"],
                operation_id=f"delivery_{self.plural}_list",
                description=f"Published {self.entry_type.label.lower() or self.plural}: filter,"
                " search, order, choose fields, page or scroll by cursor.",
                parameters=self.list_parameters(),
                responses=self.list_serializer,
            )
        )(type(f"{self.name}ListView", (EntryListView,), {"delivery": self}))
        detail_view = extend_schema_view(
            get=extend_schema(
                tags=["delivery"],
                description=f"One published {self.kind.replace('_', ' ')} by slug (in "
                "`locale`, falling back to the default locale).",
                parameters=[OpenApiParameter(n, str) for n in DETAIL_PARAMS],
                responses=self.detail_serializer,
            )
        )(type(f"{self.name}DetailView", (EntryDetailView,), {"delivery": self}))
        return [
            path(f"{self.plural}/", list_view.as_view(), name=f"delivery-{self.plural}"),
            path(
                f"{self.plural}/<slug:slug>/",
                detail_view.as_view(),
                name=f"delivery-{self.kind}",
            ),
        ]

    def list_parameters(self) -> list[OpenApiParameter]:
        return [*schema.LIST_PARAMETERS, *(f.parameter() for f in self.filters.values())]

    def schema_fields(self) -> dict[str, serializers.Field]:
        """The type's keys in the OpenAPI schema, from its model's fields."""
        return {name: schema.field_for(field) for name, field in self._model_fields.items()}

    def detail_schema_fields(self) -> dict[str, serializers.Field]:
        """The schema of `detail_keys`."""
        return {}

    @cached_property
    def summary_serializer(self) -> type[serializers.Serializer]:
        return schema.summary_serializer(self.name, self.kind, self.schema_fields)

    @cached_property
    def detail_serializer(self) -> type[serializers.Serializer]:
        return schema.detail_serializer(
            self.name,
            self.summary_serializer,
            self.detail_schema_fields,
            self.detail_doc.format(kind=self.kind.replace("_", " ")),
        )

    @cached_property
    def list_serializer(self) -> type[serializers.Serializer]:
        return schema.list_serializer(self.name, self.summary_serializer)
