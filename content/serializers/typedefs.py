"""Content types' shapes in the management API (`content-types/`).

Shapes only: a definition is validated by content.runtime.definitions, which lists every
problem at once, so the input serializers here describe the body for the schema and the
view hands the body to the service as it came. Output is `describe()`'s dict (runtime
types) or `builtin_describe()`'s (code-defined types), in one shape.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.text import capfirst
from rest_framework import serializers

from content.models import FieldKind, MediaAsset
from content.types import CORE_CREATE_ONLY, CORE_EDITABLE, EntryType, entry_type_for


class FieldDefinitionSerializer(serializers.Serializer):
    key = serializers.CharField(
        required=False,
        help_text="The field's stable storage key (read it back; send it to change the field).",
    )
    api_id = serializers.CharField(help_text="The field's name in entries' JSON.")
    label = serializers.CharField(required=False)
    help_text = serializers.CharField(required=False, allow_blank=True)
    type = serializers.ChoiceField(choices=FieldKind.choices)
    required = serializers.BooleanField(required=False)
    unique = serializers.BooleanField(required=False)
    filterable = serializers.BooleanField(required=False)
    sortable = serializers.BooleanField(required=False)
    searchable = serializers.BooleanField(required=False)
    options = serializers.DictField(required=False)
    default = serializers.JSONField(required=False, allow_null=True)


class TypeDefinitionWriteSerializer(serializers.Serializer):
    """A runtime type's definition; on PATCH, every attribute is optional and `fields`, when
    given, is the whole list (a field keeps its identity by `key`; one left out is removed)."""

    api_id = serializers.CharField()
    name = serializers.CharField()
    name_plural = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text='Where entries are counted or listed ("Ferries"). Empty or left out: made '
        "from the name, and follows a renamed type.",
    )
    description = serializers.CharField(required=False, allow_blank=True)
    title_field = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, help_text="A field's api_id."
    )
    localized = serializers.BooleanField(required=False)
    fields = FieldDefinitionSerializer(many=True, required=False)


class TypeDefinitionSerializer(serializers.Serializer):
    """A type as a frontend discovers it: runtime types (`builtin: false`) and the
    code-defined ones (`builtin: true`, read-only), with the path of their entries."""

    api_id = serializers.CharField()
    name = serializers.CharField()
    name_plural = serializers.CharField()
    description = serializers.CharField()
    title_field = serializers.CharField(allow_null=True)
    localized = serializers.BooleanField()
    builtin = serializers.BooleanField()
    revision = serializers.IntegerField(allow_null=True)
    endpoint = serializers.CharField(help_text="The management API path of its entries.")
    fields = FieldDefinitionSerializer(many=True)


class TypeRevisionSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    author = serializers.IntegerField(source="author_id", allow_null=True)
    created_at = serializers.DateTimeField()
    message = serializers.CharField()
    snapshot = serializers.DictField()


# --- Code-defined types, described in the runtime types' shape -------------------------

MEDIA_FIELDS = ("og_image", "cover_image")


def _kind(field: models.Field) -> tuple[str, dict[str, Any]]:
    """The runtime field kind closest to a model field, and its options."""
    if field.name == "body":
        return FieldKind.RICH_TEXT, {}
    if field.name == "locale":  # sent and read as its code
        return FieldKind.TEXT, {}
    if field.is_relation:
        target = field.related_model
        if target is MediaAsset:
            return FieldKind.MEDIA, {}
        try:
            options: dict[str, Any] = {"types": [entry_type_for(target).api_name]}
        except LookupError:
            options = {"to": target._meta.model_name}
        if field.many_to_many:
            options["many"] = True
        return FieldKind.REFERENCE, options
    if isinstance(field, models.DateTimeField):
        return FieldKind.DATETIME, {}
    if isinstance(field, models.DateField):
        return FieldKind.DATE, {}
    if isinstance(field, models.BooleanField):
        return FieldKind.BOOLEAN, {}
    if isinstance(field, models.IntegerField):
        return FieldKind.INTEGER, {}
    if isinstance(field, models.DecimalField):
        return FieldKind.DECIMAL, {"decimal_places": field.decimal_places}
    if isinstance(field, models.TextField):
        return FieldKind.LONG_TEXT, {}
    options = {"max_length": field.max_length} if getattr(field, "max_length", None) else {}
    return FieldKind.TEXT, options


def _builtin_field(field: models.Field) -> dict[str, Any]:
    kind, options = _kind(field)
    return {
        "key": field.name,
        "api_id": field.name,
        "label": str(field.verbose_name).capitalize(),
        "help_text": str(field.help_text or ""),
        "type": kind,
        "required": field.name == "title",  # a POST needs only a title
        "unique": False,
        "filterable": False,
        "sortable": False,
        "searchable": field.name in ("title", "body"),
        "options": options,
        "default": None,
    }


def builtin_describe(entry_type: EntryType) -> dict[str, Any]:
    """A code-defined type in the definition's shape: its writable fields, read-only."""
    meta = entry_type.model._meta
    names = dict.fromkeys([*CORE_EDITABLE, *entry_type.editable, *CORE_CREATE_ONLY])
    names.update(dict.fromkeys(entry_type.create_only))
    return {
        "api_id": entry_type.api_name,
        "name": entry_type.display_label,
        "name_plural": capfirst(meta.verbose_name_plural),
        "description": f"{entry_type.display_label}, defined in code.",
        "title_field": "title",
        "localized": True,
        "builtin": True,
        "revision": None,
        "endpoint": f"/api/v1/{entry_type.plural}/",
        "fields": [_builtin_field(meta.get_field(name)) for name in names],
    }
