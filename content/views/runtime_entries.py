"""`entries/<api_id>/`: the management API of every runtime type, on one route set.

Types are defined while the process runs, so no route is made per type: the one prefix
carries the type's api_id, and each request resolves it (`initial()`) to the type as
registered now, with its model, permissions and serializers. Everything else is
EntryViewSet's, as for `articles/`.

The OpenAPI schema describes the route once per type (`entries/concert/`, ...), each
through `typed_viewset(type)` (content.runtime.schema), with the type's components.
"""

from __future__ import annotations

from typing import Any

import django_filters as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from content.filters import EntryFilter
from content.models import Entry
from content.runtime.filters import filter_lookups, ordering_names, parse_query
from content.runtime.queries import filter_entries, order_entries
from content.serializers.entries import RevisionDetailSerializer
from content.serializers.runtime import (
    RuntimeCreateSerializer,
    RuntimeEntrySerializer,
    RuntimeUpdateSerializer,
    runtime_serializers,
)
from content.serializers.runtime_schema import query_schema
from content.types import EntryType, entry_type
from content.views.entries import EntryViewSet

API_ID = r"[a-z][a-z0-9_]*"


# Query parameters that are not filters on the type's own fields.
NOT_FIELDS = ("page", "limit", "format")
CORE_ORDERING = tuple(EntryFilter.base_filters["ordering"].param_map)


class RuntimeEntryFilter(EntryFilter):
    """The core filters; `ordering` and the type's own fields are the view's (they depend
    on the type: content.runtime.filters)."""

    ordering = filters.CharFilter(
        method="_applied_by_the_view",
        help_text="Comma-separated; `-` for descending. The core fields (updated_at, "
        "created_at, title, status, publish_at, last_published_at) or the type's sortable "
        "fields by api_id.",
    )

    def _applied_by_the_view(self, queryset, name, value):
        return queryset

    class Meta:
        model = Entry
        fields: list[str] = []


def runtime_type(api_id: str | None) -> EntryType:
    """The runtime type called `api_id` as registered now; 404 otherwise."""
    try:
        found = entry_type(api_id or "")
    except LookupError:
        found = None
    if found is None or not found.runtime:
        raise NotFound(f"No content type defined as data is called {api_id!r}.")
    return found


def _by_api_id(entry_type: EntryType, changes: dict[str, Any]) -> dict[str, Any]:
    """A diff's `data` change split into one change per field, by api_id (a removed field
    keeps its storage key)."""
    data = changes.pop("data", None)
    if data is None:
        return changes
    old, new = data["from"] or {}, data["to"] or {}
    names = {f.key: f.api_id for f in entry_type.extra["all_fields"] if f.removed_at is None}
    for key in dict.fromkeys([*old, *new]):
        if old.get(key) != new.get(key):
            changes[names.get(key, key)] = {"from": old.get(key), "to": new.get(key)}
    return changes


def _snapshot_by_api_id(entry_type: EntryType, snapshot: dict[str, Any]) -> dict[str, Any]:
    """A revision's snapshot with `data` spread into the type's live fields by api_id (a
    field added since reads null). Values of fields removed since are kept apart, under
    `removed_fields` by storage key with their last api_id: a revert brings them back too,
    and they can't take an api_id a live field may hold now."""
    snapshot = dict(snapshot)
    data = snapshot.pop("data", None) or {}
    live = [f for f in entry_type.extra["fields"] if f.api_id != "title"]  # the core title
    for field in live:
        snapshot[field.api_id] = data.get(field.key)
    shown = {f.key for f in entry_type.extra["fields"]}
    former = {f.key: f.api_id for f in entry_type.extra["all_fields"]}
    snapshot["removed_fields"] = {
        key: {"api_id": former.get(key), "value": value}
        for key, value in data.items()
        if key not in shown
    }
    return snapshot


@extend_schema(tags=["entries"])
@extend_schema_view(
    create=extend_schema(request=RuntimeCreateSerializer, responses={201: RuntimeEntrySerializer}),
    update=extend_schema(request=RuntimeUpdateSerializer),
    partial_update=extend_schema(request=RuntimeUpdateSerializer),
)
class RuntimeEntryViewSet(EntryViewSet):
    """Entries of a content type defined as data: the core fields, then the type's own
    fields by api_id (see content-types/<api_id>/)."""

    # What the schema shows; each request sets its type's own (initial()).
    model = Entry
    permission_model = "content.entry"
    serializer_class = RuntimeEntrySerializer
    create_serializer_class = RuntimeCreateSerializer
    update_serializer_class = RuntimeUpdateSerializer
    filterset_class = RuntimeEntryFilter
    entry_type: EntryType

    def dispatch(self, request, *args, api_id=None, **kwargs):
        # The api_id selects the type; the actions take only the item's pk.
        self.api_id = api_id
        return super().dispatch(request, *args, **kwargs)

    def initial(self, request, *args, **kwargs):
        registration = runtime_type(self.api_id)
        for name, value in _set_to(registration).items():
            setattr(self, name, value)
        super().initial(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema: no type to resolve
            return Entry.objects.none()
        return super().get_queryset()

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if self.action != "list":
            return queryset
        core = RuntimeEntryFilter.base_filters
        conditions, orderings = parse_query(
            self.entry_type.extra["fields"],
            self.request.query_params,
            ignore=[*core, *NOT_FIELDS],
            core_ordering=CORE_ORDERING,
        )
        return order_entries(filter_entries(queryset, conditions), orderings)

    @extend_schema(responses={200: RevisionDetailSerializer})
    @action(detail=True, methods=["get"], url_path=r"revisions/(?P<number>\d{1,9})")
    def revision_detail(self, request, pk=None, number=None):
        """One revision with its full snapshot, the type's fields by api_id."""
        body = RevisionDetailSerializer(self._revision(self.get_object(), number)).data
        body["snapshot"] = _snapshot_by_api_id(self.entry_type, body["snapshot"])
        return Response(body)

    def diff(self, old, new):
        return _by_api_id(self.entry_type, super().diff(old, new))


def _set_to(registration: EntryType) -> dict[str, Any]:
    """The attributes that set the viewset to one runtime type."""
    opts = registration.model._meta
    serializers = runtime_serializers(registration)
    return {
        "entry_type": registration,
        "model": registration.model,
        "permission_model": f"{opts.app_label}.{opts.model_name}",
        "serializer_class": serializers.output,
        "create_serializer_class": serializers.create,
        "update_serializer_class": serializers.update,
    }


def typed_viewset(registration: EntryType) -> type[RuntimeEntryViewSet]:
    """The viewset as it serves one runtime type, for the schema: its own tag, description
    and request/response components (built afresh: the type may change)."""
    definition = registration.extra["definition"]
    name = f"{registration.model.__name__}EntryViewSet"
    attrs = {
        "__module__": __name__,
        "__qualname__": name,
        "__doc__": definition.description or f"{definition.name} entries.",
        **_set_to(registration),
    }
    viewset = type(name, (RuntimeEntryViewSet,), attrs)
    serializers = runtime_serializers(registration)
    viewset = extend_schema_view(
        list=extend_schema(parameters=list_parameters(registration.extra["fields"])),
        create=extend_schema(request=serializers.create, responses={201: serializers.output}),
        update=extend_schema(request=serializers.update),
        partial_update=extend_schema(request=serializers.update),
    )(viewset)
    return extend_schema(tags=[registration.api_name])(viewset)


def list_parameters(fields) -> list[OpenApiParameter]:
    """The list's parameters on a type's own fields, typed (content.runtime.filters parses
    them), and `ordering`'s terms."""
    filters = [
        OpenApiParameter(
            name,
            query_schema(field, how),
            description=f"{field.label} ({lookup}).",
        )
        for name, field, how, lookup in filter_lookups(fields)
    ]
    terms = {"type": "string", "enum": ordering_names(fields, CORE_ORDERING)}
    ordering = OpenApiParameter(
        "ordering",
        {"type": "array", "items": terms},
        style="form",
        explode=False,
        description="Comma-separated; `-` for descending.",
    )
    return [*filters, ordering]
