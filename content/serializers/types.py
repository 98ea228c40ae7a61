"""Each registered type's management API shapes: the ones its registration names, or
generic ones built once from its model and its editable and create-only fields.

The generic shapes are ModelSerializers: the core fields are declared as for every type
(content.serializers.entries), the type's own fields come from its model's fields. Input
ones stay strict (unknown fields and numbers for strings are 400s, in the error format)
and validate shape only; the services hold the rules, so no model validators run here.
Each class is named after its model, so the OpenAPI schema gives each type its own
components (`Event`, `EventCreateRequest`, `EventUpdateRequest`, ...).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from django.utils.module_loading import import_string
from rest_framework import serializers

from content.serializers.entries import (
    CORE_OUT,
    CreateFields,
    EntrySerializer,
    EntryWriteSerializer,
    UpdateFields,
)
from content.types import CORE_CREATE_ONLY, CORE_EDITABLE, EntryType, api_names, entry_type_for


class EntryTypeField(serializers.ChoiceField):
    """A registered type's API name ("article"). The choices are read each time a serializer
    is made (DRF copies its declared fields then), so a type registered after this module
    was imported counts; the schema names the enum EntryTypeEnum."""

    def __init__(self, **kwargs):
        super().__init__(choices=api_names(), **kwargs)


class ApiNames(Sequence[str]):
    """The registered types' API names, read when used: for an enum given at import time
    (an OpenApiParameter's)."""

    def __getitem__(self, index):
        return api_names()[index]

    def __len__(self) -> int:
        return len(api_names())


class EntrySerializers(NamedTuple):
    output: type[serializers.Serializer]
    create: type[serializers.Serializer]
    update: type[serializers.Serializer]


class GenericEntrySerializer(EntrySerializer):
    """The output shape of a type whose registration names none."""

    url_path = serializers.SerializerMethodField()

    def get_url_path(self, obj) -> str | None:
        build = entry_type_for(obj).url_path
        return build(obj, obj.slug) if build else None


class GenericEntryWriteSerializer(EntryWriteSerializer, serializers.ModelSerializer):
    """The input shape of a type whose registration names none: the core fields declared
    as for every type (EntryWriteSerializer, strict), the type's own built from its model."""

    def get_validators(self):
        # Not the model's unique constraints (a slug per locale): the services check them
        # and answer in their own words.
        return []


_built: dict[type, EntrySerializers] = {}


def _own(names: tuple[str, ...], core: tuple[str, ...]) -> list[str]:
    return [name for name in names if name not in core]


def _build(entry_type: EntryType) -> EntrySerializers:
    model, name = entry_type.model, entry_type.model.__name__
    own_editable = _own(entry_type.editable, CORE_EDITABLE)
    own_create = _own(entry_type.create_only, CORE_CREATE_ONLY)
    out_fields = [*CORE_OUT, *dict.fromkeys([*own_editable, *own_create]), "url_path"]

    def make(suffix: str, bases: tuple[type, ...], doc: str, fields: list[str], **meta) -> type:
        attrs = {
            "__module__": __name__,
            "__qualname__": f"{name}{suffix}",
            "__doc__": doc,  # the schema's description of the component
            "Meta": type("Meta", (), {"model": model, "fields": fields, **meta}),
        }
        return type(f"{name}{suffix}", bases, attrs)

    core_write = list(EntryWriteSerializer._declared_fields)
    return EntrySerializers(
        output=make(
            "Serializer",
            (GenericEntrySerializer,),
            f"{entry_type.display_label}: the latest (draft) content, with status and revisions.",
            out_fields,
            read_only_fields=out_fields,
        ),
        create=make(
            "CreateSerializer",
            (CreateFields, GenericEntryWriteSerializer),
            EntryWriteSerializer.__doc__,
            [*core_write, *own_editable, *CORE_CREATE_ONLY, *own_create],
            extra_kwargs={f: {"required": False} for f in [*own_editable, *own_create]},
        ),
        update=make(
            "UpdateSerializer",
            (UpdateFields, GenericEntryWriteSerializer),
            EntryWriteSerializer.__doc__,
            [*core_write, *own_editable, "version"],
            extra_kwargs={f: {"required": False} for f in own_editable},
        ),
    )


def entry_serializers(entry_type: EntryType) -> EntrySerializers:
    """The type's output, create and update serializers: those its registration names,
    the generic ones otherwise (built once per type)."""
    if entry_type.model not in _built:
        named = (entry_type.serializer, entry_type.create_serializer, entry_type.update_serializer)
        generic = None if all(named) else _build(entry_type)
        _built[entry_type.model] = EntrySerializers(
            *(import_string(path) if path else generic[i] for i, path in enumerate(named))
        )
    return _built[entry_type.model]
