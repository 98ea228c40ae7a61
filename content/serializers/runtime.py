"""Runtime types' entry shapes (`entries/<api_id>/`), built from each type's live fields.

Output: the core fields every type has, then each field by its api_id with a typed DRF
field, read from `entry.data[field.key]` (a missing key reads as the field's default).
Input: the same flat names, passed to content.services.entries as they came: the
service validates them all at once (content.runtime.behaviour.fold), so a value of the
wrong type is refused there, in the same 400 as every other problem, by field name.
Every field carries its FieldDefinition, from which content.serializers.runtime_schema
types it in the OpenAPI schema.

A type's fields change at runtime, so the shapes are rebuilt whenever its registration
(an EntryType made afresh by every reload) is not the one they were built from.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import SkipField, empty

from content.models import Entry, FieldKind
from content.runtime.kinds import DEFAULT_DECIMAL_PLACES
from content.serializers import runtime_schema  # noqa: F401  (the values' schema extension)
from content.serializers.entries import (
    CORE_OUT,
    CreateFields,
    EntryWriteSerializer,
    UpdateFields,
)
from content.serializers.types import EntrySerializers, GenericEntrySerializer


class RawValue(serializers.Field):
    """A value handed to the service as sent (JSON already gave it its type)."""

    def to_internal_value(self, data):
        return data

    def to_representation(self, value):
        return value


class TypedValue:
    """A runtime field's value: `definition` is its FieldDefinition, which gives the OpenAPI
    schema (content.serializers.runtime_schema)."""

    def __init__(self, *args, definition, **kwargs):
        self.definition = definition
        super().__init__(*args, **kwargs)

    def __deepcopy__(self, memo):
        # DRF copies every declared field per serializer: they share the definition.
        memo[id(self.definition)] = self.definition
        return super().__deepcopy__(memo)


class TypedInput(TypedValue, RawValue):
    def validate_empty_values(self, data):
        # A missing or null value goes to the service, which refuses it in its own words
        # along with every other problem; `required` and `allow_null` tell the schema.
        if data is empty:
            raise SkipField()
        if data is None:
            return True, None
        return False, data


def typed_value_field(field, **kwargs) -> serializers.Field:
    """A field that takes and gives `field`'s value as is, typed by its kind in the schema
    (null unless the field is required): for shapes that only describe a payload."""
    return TypedInput(definition=field, allow_null=not field.required, **kwargs)


def _input_field(field, *, create: bool) -> serializers.Field:
    # Null clears a value, but not a required one, which must be sent when its entry is
    # made (unless the type gives a default).
    required = create and field.required and field.default is None
    return typed_value_field(field, required=required)


class FromData(TypedValue):
    """Reads a runtime field's value from `entry.data` by its key (a missing key reads as
    the field's default)."""

    def get_attribute(self, instance):
        field = self.definition
        return (instance.data or {}).get(field.key, field.default)


_data_classes: dict[type, type] = {}


def _from_data(cls: type[serializers.Field], field, **kwargs) -> serializers.Field:
    if cls not in _data_classes:
        _data_classes[cls] = type(f"Data{cls.__name__}", (FromData, cls), {})
    # A required field always holds a value (content.runtime.compat keeps it so).
    return _data_classes[cls](
        definition=field, read_only=True, allow_null=not field.required, **kwargs
    )


def _output_field(field) -> serializers.Field:
    kind, options = field.kind, field.options
    if kind == FieldKind.DECIMAL:
        places = options.get("decimal_places", DEFAULT_DECIMAL_PLACES)
        return _from_data(
            serializers.DecimalField,
            field,
            max_digits=None,
            decimal_places=places,
            coerce_to_string=True,
        )
    if kind == FieldKind.CHOICE:
        return _from_data(serializers.ChoiceField, field, choices=options["choices"])
    if kind == FieldKind.CHOICES:
        child = serializers.ChoiceField(choices=options["choices"])
        return _from_data(serializers.ListField, field, child=child)
    if kind == FieldKind.RICH_TEXT:
        return _from_data(serializers.ListField, field, child=serializers.DictField())
    if kind == FieldKind.REFERENCE and options.get("many"):
        return _from_data(serializers.ListField, field, child=serializers.DictField())
    simple = {
        FieldKind.TEXT: serializers.CharField,
        FieldKind.LONG_TEXT: serializers.CharField,
        FieldKind.INTEGER: serializers.IntegerField,
        FieldKind.MEDIA: serializers.IntegerField,
        FieldKind.BOOLEAN: serializers.BooleanField,
        FieldKind.DATE: serializers.DateField,
        FieldKind.DATETIME: serializers.DateTimeField,
        FieldKind.EMAIL: serializers.EmailField,
        FieldKind.URL: serializers.URLField,
        FieldKind.REFERENCE: serializers.DictField,
    }
    return _from_data(simple[kind], field)


class RuntimeEntrySerializer(GenericEntrySerializer):
    """A runtime type's entry: the core fields, `url_path`, then its own fields by api_id."""

    class Meta:
        model = Entry
        fields = [*CORE_OUT, "url_path"]
        read_only_fields = fields


@extend_schema_field({"type": "string"})
class RawTitle(RawValue):
    pass


class RuntimeWriteFields(EntryWriteSerializer):
    # The title may come from the type's title field; the service asks for one otherwise.
    title = RawTitle(required=False)


class RuntimeCreateSerializer(CreateFields, RuntimeWriteFields):
    """A new entry: the core fields and the type's own fields by api_id (flat)."""


class RuntimeUpdateSerializer(UpdateFields, RuntimeWriteFields):
    """A change: any of the core fields and the type's own fields by api_id (flat)."""


_built: dict[str, tuple[Any, EntrySerializers]] = {}


def _make(base: type, name: str, declared: dict[str, serializers.Field], meta=None) -> type:
    attrs: dict[str, Any] = {"__module__": __name__, "__qualname__": name, **declared}
    if meta is not None:
        attrs["Meta"] = meta
    return type(name, (base,), attrs)


def runtime_serializers(entry_type) -> EntrySerializers:
    """The output, create and update serializers of a runtime type as it is now."""
    cached = _built.get(entry_type.api_name)
    if cached is not None and cached[0] is entry_type:
        return cached[1]
    fields = entry_type.extra["fields"]
    # A field called "title" is the entry's title: the core field shows and takes it.
    own = [f for f in fields if f.api_id != "title"]
    name = entry_type.model.__name__
    out_meta = type(
        "Meta",
        (),
        {
            "model": entry_type.model,
            "fields": [*CORE_OUT, "url_path", *(f.api_id for f in own)],
            "read_only_fields": [*CORE_OUT, "url_path"],
        },
    )
    built = EntrySerializers(
        output=_make(
            RuntimeEntrySerializer,
            f"{name}Serializer",
            {f.api_id: _output_field(f) for f in own},
            out_meta,
        ),
        create=_make(
            RuntimeCreateSerializer,
            f"{name}CreateSerializer",
            {f.api_id: _input_field(f, create=True) for f in own},
        ),
        update=_make(
            RuntimeUpdateSerializer,
            f"{name}UpdateSerializer",
            {f.api_id: _input_field(f, create=False) for f in own},
        ),
    )
    _built[entry_type.api_name] = (entry_type, built)
    return built
