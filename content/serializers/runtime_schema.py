"""The OpenAPI schema of a runtime type's field values, from its kind and options.

Each field of a runtime type's serializers (content.serializers.runtime) carries its
FieldDefinition; the extensions here describe it the way content.runtime.kinds checks it
(lengths, bounds, patterns, choices), so a client generated from the schema has a typed
model per type (`Concert.starts_at: datetime.datetime`). Values are described as Folio
answers them: decimals as strings (as DRF gives them), references as {"type", "id"}.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ComponentIdentity, ResolvedComponent
from rest_framework import serializers

from content.models import FieldKind
from content.runtime.kinds import DEFAULT_DECIMAL_PLACES, DEFAULT_MAX_LENGTH


class EntryReferenceSerializer(serializers.Serializer):
    """A reference to an entry of a runtime type: its type's api_id and its id."""

    type = serializers.CharField()
    id = serializers.IntegerField()

    class Meta:
        ref_name = "EntryReference"


# The body's shape, as articles' `body` declares it (content.serializers.entries).
BLOCKS = {"type": "array", "items": {"type": "object", "additionalProperties": {}}}
_FORMATS = {
    FieldKind.DATE: "date",
    FieldKind.DATETIME: "date-time",
    FieldKind.EMAIL: "email",
    FieldKind.URL: "uri",
}


def _text(field) -> dict[str, Any]:
    options = field.options
    schema: dict[str, Any] = {"type": "string"}
    if field.kind in _FORMATS:
        schema["format"] = _FORMATS[field.kind]
    limit = options.get("max_length", DEFAULT_MAX_LENGTH.get(field.kind, 255))
    schema["maxLength"] = limit
    if options.get("min_length"):
        schema["minLength"] = options["min_length"]
    if options.get("pattern"):
        schema["pattern"] = f"^(?:{options['pattern']})$"  # the whole value must match
    return schema


def _bounds(field) -> dict[str, Any]:
    low, high = field.options.get("min_value"), field.options.get("max_value")
    return {key: value for key, value in (("minimum", low), ("maximum", high)) if value is not None}


def _decimal(field) -> dict[str, Any]:
    places = field.options.get("decimal_places", DEFAULT_DECIMAL_PLACES)
    schema = {"type": "string", "format": "decimal", "pattern": rf"^-?\d+(?:\.\d{{0,{places}}})?$"}
    bounds = _bounds(field)
    if bounds:  # a string has no minimum in JSON Schema: say it in words
        words = {"minimum": "at least", "maximum": "at most"}
        schema["description"] = "; ".join(f"{words[k]} {v}" for k, v in bounds.items()) + "."
    return schema


def _items(field, item: dict[str, Any]) -> dict[str, Any]:
    schema = {"type": "array", "items": item}
    if field.options.get("min_items") is not None:
        schema["minItems"] = field.options["min_items"]
    if field.options.get("max_items") is not None:
        schema["maxItems"] = field.options["max_items"]
    return schema


def value_schema(field, reference: dict[str, Any], enum: dict[str, Any]) -> dict[str, Any]:
    """The schema of `field`'s value (not null); `reference` is the $ref of EntryReference,
    `enum` the $ref of the field's choices."""
    kind, options = field.kind, field.options
    if kind in (FieldKind.TEXT, FieldKind.LONG_TEXT, FieldKind.EMAIL, FieldKind.URL):
        return _text(field)
    if kind in (FieldKind.DATE, FieldKind.DATETIME):
        return {"type": "string", "format": _FORMATS[kind]}
    if kind == FieldKind.INTEGER:
        return {"type": "integer", **_bounds(field)}
    if kind == FieldKind.DECIMAL:
        return _decimal(field)
    if kind == FieldKind.BOOLEAN:
        return {"type": "boolean"}
    if kind == FieldKind.CHOICE:
        return dict(enum)
    if kind == FieldKind.CHOICES:
        return _items(field, enum)
    if kind == FieldKind.MEDIA:
        return {"type": "integer", "description": "A media asset's id."}
    if kind == FieldKind.REFERENCE:
        return _items(field, reference) if options.get("many") else dict(reference)
    return dict(BLOCKS)  # rich text


def _described(schema: dict[str, Any], field) -> dict[str, Any]:
    notes = [note for note in (field.help_text, schema.pop("description", "")) if note]
    if field.kind == FieldKind.REFERENCE:
        notes.append(f"An entry of: {', '.join(field.options['types'])}.")
    if notes:
        schema["description"] = " ".join(notes)
    return schema


class TypedValueExtension(OpenApiSerializerFieldExtension):
    """Any serializer field with a `definition` (a FieldDefinition): its kind's schema.
    Whether it may be null and is required come from the field itself (allow_null,
    required), which the serializers set from the definition."""

    target_class = "content.serializers.runtime.TypedValue"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        field = self.target.definition
        reference = auto_schema.resolve_serializer(EntryReferenceSerializer, direction).ref
        enum = {}
        if field.kind in (FieldKind.CHOICE, FieldKind.CHOICES):
            enum = _enum(auto_schema, field)
        return _described(value_schema(field, reference, enum), field)


def _camel(api_id: str) -> str:
    return "".join(part.capitalize() for part in api_id.split("_"))


def _enum(auto_schema, field) -> dict[str, Any]:
    """The field's choices as a component named after its type and field
    (`ConcertGenreEnum`): drf-spectacular would name an inline enum after the field alone,
    which two types' fields of one name would share."""
    name = f"{_camel(field.definition.api_id)}{_camel(field.api_id)}Enum"
    component = ResolvedComponent(
        name=name,
        type=ResolvedComponent.SCHEMA,
        schema={"type": "string", "enum": list(field.options["choices"])},
        object=ComponentIdentity(f"runtime-choices:{name}"),
    )
    auto_schema.registry.register_on_missing(component)
    return component.ref


_QUERY = {
    "text": {"type": "string"},
    "number": {"type": "number"},
    "date": {"type": "string", "format": "date"},
    "datetime": {"type": "string", "format": "date-time"},
    "boolean": {"type": "boolean"},
}


def query_schema(field, compare: str) -> dict[str, Any]:
    """The schema of a filter's value on `field`, compared as `compare` (the management
    API's content.runtime.filters or delivery's content.delivery.runtime_values): an id for
    media and references, one of the choices for choice fields, else by comparison."""
    if field.kind in (FieldKind.MEDIA, FieldKind.REFERENCE):
        return {"type": "integer"}
    if field.options.get("choices"):
        return {"type": "string", "enum": list(field.options["choices"])}
    return dict(_QUERY[compare])
