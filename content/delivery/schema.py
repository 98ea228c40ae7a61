"""OpenAPI description of the delivery endpoints.

Their bodies are pre-rendered JSON (content.delivery.payloads), so the serializers here
are never run: they only describe those shapes, for generated clients and for the schema
fuzzer, which checks every response against them. `fields=` may leave any field of an item
out, so an item's fields are typed but not required; `expand=` turns a relation it leaves
out into the related object's id.

Each registered type has its own components (`Delivery<Name>Summary`, `Delivery<Name>`,
`Delivery<Name>List`), built here from its EntryDelivery (content.delivery.entries) when
its routes are.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import models
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.serializers import PolymorphicProxySerializerExtension
from drf_spectacular.utils import OpenApiParameter, PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers

from content.blocks import CALLOUT_TONES, LIST_STYLES
from content.models import MediaKind


def _one_of(component_name: str, values, **kwargs) -> serializers.CharField:
    """A string that is one of `values`: an enum component of its own, named here (rather
    than after the field, which collides for the several fields named `type`)."""
    field_class = type(component_name, (serializers.CharField,), {"__module__": __name__})
    schema = {"type": "string", "enum": list(values)}
    return extend_schema_field(schema, component_name=component_name)(field_class)(**kwargs)


def text(**kwargs) -> serializers.CharField:
    """A string, which may be blank: these describe what is stored, not what is accepted."""
    return serializers.CharField(allow_blank=True, **kwargs)


PLAIN = "Plain text, stored as typed (markup included): escape it on output."
HTML = (
    "HTML sanitised by Folio (inline formatting and http, https and mailto links only): "
    "safe to insert as HTML."
)


def plain(**kwargs) -> serializers.CharField:
    """A plain-text string: the frontend must escape it (README: HTML fields and plain text)."""
    return text(help_text=PLAIN, **kwargs)


@extend_schema_field({"type": "string", "format": "html", "description": HTML})
class HtmlField(serializers.CharField):
    """A sanitised HTML string: `format: html`, so generated clients can tell it apart."""


class Expandable(serializers.Field):
    """A relation: the related object, or only its id when `expand=` leaves it out."""

    def __init__(self, serializer, **kwargs):
        self.serializer = serializer
        super().__init__(**kwargs)


class ExpandableExtension(OpenApiSerializerFieldExtension):
    target_class = Expandable

    def map_serializer_field(self, auto_schema, direction):
        ref = auto_schema.resolve_serializer(self.target.serializer, direction).ref
        return {"oneOf": [ref, {"type": "integer"}]}


class AnyOfSerializer(PolymorphicProxySerializer):
    """One of several shapes that need not exclude each other (so `anyOf`, not `oneOf`)."""

    def __init__(self, component_name: str, serializers):
        super().__init__(component_name, serializers, resource_type_field_name=None, many=False)


class AnyOfExtension(PolymorphicProxySerializerExtension):
    target_class = AnyOfSerializer

    def map_serializer(self, auto_schema, direction):
        return {"anyOf": super().map_serializer(auto_schema, direction)["oneOf"]}


# --- Related objects, expanded one level --------------------------------------------------


class MediaRenditionSerializer(serializers.Serializer):
    spec = text()
    url = text()
    width = serializers.IntegerField()
    height = serializers.IntegerField()

    class Meta:
        ref_name = "DeliveryMediaRendition"


class FocalPointSerializer(serializers.Serializer):
    x = serializers.IntegerField()
    y = serializers.IntegerField(allow_null=True)

    class Meta:
        ref_name = "DeliveryFocalPoint"


class MediaSerializer(serializers.Serializer):
    """A media asset; `rendition` only when one was asked for (`?rendition=`)."""

    id = serializers.IntegerField()
    title = plain()
    url = text()
    kind = _one_of("DeliveryMediaKind", MediaKind.values)
    width = serializers.IntegerField(allow_null=True)
    height = serializers.IntegerField(allow_null=True)
    alt = plain()
    caption = plain()
    credit = plain()
    focal_point = FocalPointSerializer(allow_null=True)
    rendition = MediaRenditionSerializer(required=False)

    class Meta:
        ref_name = "DeliveryMedia"


class CategoryRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = plain()
    slug = text()

    class Meta:
        ref_name = "DeliveryCategoryRef"


class TagSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = plain()
    slug = text()

    class Meta:
        ref_name = "DeliveryTag"


class AuthorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = plain()

    class Meta:
        ref_name = "DeliveryAuthor"


def _block(kind: str, value: type[serializers.Serializer]) -> type[serializers.Serializer]:
    """The schema of one block type: `{"type": kind, "value": {...}}`."""
    name = f"Delivery{kind.title()}Block"
    attrs = {
        "type": _one_of(f"Delivery{kind.title()}BlockType", [kind]),
        "value": value(),
        "Meta": type("Meta", (), {"ref_name": name}),
        "__module__": __name__,
    }
    return type(name, (serializers.Serializer,), attrs)


def _value(kind: str, **fields) -> type[serializers.Serializer]:
    meta = type("Meta", (), {"ref_name": f"Delivery{kind.title()}Value"})
    return type(f"{kind.title()}Value", (serializers.Serializer,), {**fields, "Meta": meta})


# Each block type's value; which strings are HTML and which plain text is the contract
# frontends render by (README, "HTML fields and plain-text fields").
BLOCK_VALUES = {
    "paragraph": _value("paragraph", text=HtmlField()),
    "heading": _value("heading", text=HtmlField(), level=serializers.IntegerField()),
    "image": _value("image", image=MediaSerializer(), alt=plain(), caption=plain(required=False)),
    "quote": _value("quote", text=HtmlField(), attribution=plain()),
    "list": _value(
        "list",
        style=_one_of("DeliveryListStyle", LIST_STYLES),
        items=serializers.ListField(child=HtmlField()),
    ),
    "embed": _value("embed", url=plain()),
    "code": _value("code", language=plain(), code=plain()),
    "callout": _value(
        "callout", tone=_one_of("DeliveryCalloutTone", CALLOUT_TONES), text=HtmlField()
    ),
}
BLOCK = PolymorphicProxySerializer(
    component_name="DeliveryBlock",
    serializers={kind: _block(kind, value) for kind, value in BLOCK_VALUES.items()},
    resource_type_field_name="type",
    many=True,
    required=False,
)


class SeoSerializer(serializers.Serializer):
    title = plain()
    description = plain()
    og_image = MediaSerializer(allow_null=True)

    class Meta:
        ref_name = "DeliverySeo"


# --- Published items ------------------------------------------------------------------------


# `fields=` may leave out any field of an item: none is required.
class _ItemSerializer(serializers.Serializer):
    id = serializers.IntegerField(required=False)
    title = plain(required=False)
    slug = text(required=False)
    locale = text(required=False)
    translation_key = serializers.UUIDField(required=False)
    url = text(required=False, help_text="Its address: a path, or a URL on FRONTEND_BASE_URL.")
    published_at = serializers.DateTimeField(required=False)
    updated_at = serializers.DateTimeField(required=False)


def _meta(ref_name: str) -> type:
    return type("Meta", (), {"ref_name": ref_name})


# Serializers order their fields as the fields were made: a type's own are made (by
# `fields()`) after the keys that come before them.
Fields = Callable[[], dict[str, serializers.Field]]


def summary_serializer(name: str, kind: str, fields: Fields) -> type[serializers.Serializer]:
    """A type's item as lists show it: the common keys, `type`, then the type's own."""
    article = "An" if kind[0] in "aeiou" else "A"
    attrs = {
        "__doc__": f"{article} {kind.replace('_', ' ')} as lists show it.",
        "__module__": __name__,
        "type": _one_of(f"Delivery{name}Type", [kind], required=False),
    }
    attrs.update(fields(), Meta=_meta(f"Delivery{name}Summary"))
    return type(f"{name}SummarySerializer", (_ItemSerializer,), attrs)


def detail_serializer(
    name: str, summary: type[serializers.Serializer], fields: Fields, doc: str
) -> type[serializers.Serializer]:
    """One item of a type: its summary, body, SEO fields and the detail's own keys."""
    attrs = {
        "__doc__": doc,
        "__module__": __name__,
        "body": BLOCK,
        "seo": SeoSerializer(required=False),
    }
    attrs.update(fields(), Meta=_meta(f"Delivery{name}"))
    return type(f"{name}Serializer", (summary,), attrs)


def list_serializer(
    name: str, summary: type[serializers.Serializer]
) -> type[serializers.Serializer]:
    attrs = {
        "__module__": __name__,
        "results": summary(many=True),
        "count": serializers.IntegerField(required=False, help_text="With page numbers only."),
        "Meta": _meta(f"Delivery{name}List"),
    }
    return type(f"{name}ListSerializer", (_ListSerializer,), attrs)


def field_for(field: models.Field | None) -> serializers.Field:
    """How a type's field appears in its items, as its revisions keep it (relations as
    ids, dates as ISO 8601 strings); any JSON value when it is not a model field."""
    if field is None:
        return serializers.JSONField(required=False)
    if field.many_to_many:
        return serializers.ListField(child=serializers.IntegerField(), required=False)
    kwargs = {"required": False, "allow_null": field.null}
    if field.is_relation:
        return serializers.IntegerField(**kwargs)
    for model_field, serializer_field in _FIELDS:
        if isinstance(field, model_field):
            return serializer_field(**kwargs)
    return serializers.JSONField(**kwargs)


# Most specific first: a DateTimeField is a DateField too.
_FIELDS = (
    (models.BooleanField, serializers.BooleanField),
    (models.DateTimeField, serializers.DateTimeField),
    (models.DateField, serializers.DateField),
    (models.IntegerField, serializers.IntegerField),
    (models.FloatField, serializers.FloatField),
    (models.CharField | models.TextField, plain),
)


class CategorySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = plain()
    slug = text()
    parent = serializers.IntegerField(allow_null=True, help_text="The parent category's id.")

    class Meta:
        ref_name = "DeliveryCategory"


class RedirectSerializer(serializers.Serializer):
    old_path = text()
    new_path = text()
    permanent = serializers.BooleanField()

    class Meta:
        ref_name = "DeliveryRedirect"


# --- Lists ------------------------------------------------------------------------------


class _ListSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)


class CategoryListSerializer(_ListSerializer):
    results = CategorySerializer(many=True)

    class Meta:
        ref_name = "DeliveryCategoryList"


class TagListSerializer(_ListSerializer):
    results = TagSerializer(many=True)

    class Meta:
        ref_name = "DeliveryTagList"


class LivePolymorphicSerializer(PolymorphicProxySerializer):
    """One of several shapes, read each time the schema is generated: drf-spectacular calls
    a callable `serializers` once and keeps the result, but the registered types (so the
    shapes) change while the process runs (types defined as data)."""

    @property
    def serializers(self):
        found = self._serializers
        return found() if callable(found) else found

    @serializers.setter
    def serializers(self, value):
        self._serializers = value


class LivePolymorphicExtension(PolymorphicProxySerializerExtension):
    target_class = LivePolymorphicSerializer


def preview_serializer(
    details: Callable[[], dict[str, type[serializers.Serializer]]],
) -> PolymorphicProxySerializer:
    """A preview is the previewed revision in its type's shape (without a page's
    relatives); `details` is called each time the schema is generated, once every type's
    routes are built."""
    return LivePolymorphicSerializer(
        component_name="DeliveryPreview",
        serializers=details,
        resource_type_field_name="type",
    )


# The parameters every type's list takes; its filters follow (content.delivery.filters).
LIST_PARAMETERS = [
    OpenApiParameter(
        "locale",
        str,
        description="Locale code (an unknown one is a 400); untranslated items "
        "fall back to the default locale.",
    ),
    OpenApiParameter("search", str),
    OpenApiParameter("ordering", str, enum=["-published_at", "published_at", "title", "-title"]),
    OpenApiParameter("fields", str, description="Comma-separated fields to return."),
    OpenApiParameter("expand", str, description="Relations to expand (one level)."),
    OpenApiParameter("limit", int, description="1 to 100 (default 20)."),
    OpenApiParameter("page", int, description="Page number; adds `count`."),
    OpenApiParameter("cursor", str, description="From `next`/`previous`."),
]
