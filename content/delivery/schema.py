"""OpenAPI description of the delivery endpoints.

Their bodies are pre-rendered JSON (content.delivery.payloads), so the serializers here
are never run: they only describe those shapes, for generated clients and for the schema
fuzzer, which checks every response against them. `fields=` may leave any field of an item
out, so an item's fields are typed but not required; `expand=` turns a relation it leaves
out into the related object's id.
"""

from __future__ import annotations

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


def _text(**kwargs) -> serializers.CharField:
    """A string, which may be blank: these describe what is stored, not what is accepted."""
    return serializers.CharField(allow_blank=True, **kwargs)


PLAIN = "Plain text, stored as typed (markup included): escape it on output."
HTML = (
    "HTML sanitised by Folio (inline formatting and http, https and mailto links only): "
    "safe to insert as HTML."
)


def _plain(**kwargs) -> serializers.CharField:
    """A plain-text string: the frontend must escape it (README: HTML fields and plain text)."""
    return _text(help_text=PLAIN, **kwargs)


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
    spec = _text()
    url = _text()
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
    title = _plain()
    url = _text()
    kind = _one_of("DeliveryMediaKind", MediaKind.values)
    width = serializers.IntegerField(allow_null=True)
    height = serializers.IntegerField(allow_null=True)
    alt = _plain()
    caption = _plain()
    credit = _plain()
    focal_point = FocalPointSerializer(allow_null=True)
    rendition = MediaRenditionSerializer(required=False)

    class Meta:
        ref_name = "DeliveryMedia"


class CategoryRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = _plain()
    slug = _text()

    class Meta:
        ref_name = "DeliveryCategoryRef"


class TagSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = _plain()
    slug = _text()

    class Meta:
        ref_name = "DeliveryTag"


class AuthorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = _plain()

    class Meta:
        ref_name = "DeliveryAuthor"


class PageRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = _plain()
    url = _text()

    class Meta:
        ref_name = "DeliveryPageRef"


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
    "image": _value("image", image=MediaSerializer(), alt=_plain(), caption=_plain(required=False)),
    "quote": _value("quote", text=HtmlField(), attribution=_plain()),
    "list": _value(
        "list",
        style=_one_of("DeliveryListStyle", LIST_STYLES),
        items=serializers.ListField(child=HtmlField()),
    ),
    "embed": _value("embed", url=_plain()),
    "code": _value("code", language=_plain(), code=_plain()),
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
    title = _plain()
    description = _plain()
    og_image = MediaSerializer(allow_null=True)

    class Meta:
        ref_name = "DeliverySeo"


# --- Published items ------------------------------------------------------------------------


# `fields=` may leave out any field of an item: none is required.
class _ItemSerializer(serializers.Serializer):
    id = serializers.IntegerField(required=False)
    title = _plain(required=False)
    slug = _text(required=False)
    locale = _text(required=False)
    translation_key = serializers.UUIDField(required=False)
    url = _text(required=False, help_text="Its address: a path, or a URL on FRONTEND_BASE_URL.")
    published_at = serializers.DateTimeField(required=False)
    updated_at = serializers.DateTimeField(required=False)


class ArticleSummarySerializer(_ItemSerializer):
    """An article as lists show it."""

    type = _one_of("DeliveryArticleType", ["article"], required=False)
    summary = _plain(required=False)
    published_date = serializers.DateField(allow_null=True, required=False)
    category = Expandable(CategoryRefSerializer, allow_null=True, required=False)
    tags = serializers.ListField(child=Expandable(TagSerializer), required=False)
    authors = serializers.ListField(child=Expandable(AuthorSerializer), required=False)
    cover_image = Expandable(MediaSerializer, allow_null=True, required=False)

    class Meta:
        ref_name = "DeliveryArticleSummary"


class ArticleSerializer(ArticleSummarySerializer):
    """One article, with its body and SEO fields."""

    body = BLOCK
    seo = SeoSerializer(required=False)

    class Meta:
        ref_name = "DeliveryArticle"


class PageSummarySerializer(_ItemSerializer):
    """A page as lists show it."""

    type = _one_of("DeliveryPageType", ["page"], required=False)
    parent = Expandable(PageRefSerializer, allow_null=True, required=False)

    class Meta:
        ref_name = "DeliveryPageSummary"


class PageSerializer(PageSummarySerializer):
    """One page, with its body, SEO fields, its published ancestors and children."""

    body = BLOCK
    seo = SeoSerializer(required=False)
    breadcrumbs = serializers.ListField(child=PageRefSerializer(), required=False)
    children = serializers.ListField(child=PageRefSerializer(), required=False)

    class Meta:
        ref_name = "DeliveryPage"


class CategorySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = _plain()
    slug = _text()
    parent = serializers.IntegerField(allow_null=True, help_text="The parent category's id.")

    class Meta:
        ref_name = "DeliveryCategory"


class RedirectSerializer(serializers.Serializer):
    old_path = _text()
    new_path = _text()
    permanent = serializers.BooleanField()

    class Meta:
        ref_name = "DeliveryRedirect"


# --- Lists ------------------------------------------------------------------------------


class _ListSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)


class ArticleListSerializer(_ListSerializer):
    results = ArticleSummarySerializer(many=True)
    count = serializers.IntegerField(required=False, help_text="With page numbers only.")

    class Meta:
        ref_name = "DeliveryArticleList"


class PageListSerializer(_ListSerializer):
    results = PageSummarySerializer(many=True)
    count = serializers.IntegerField(required=False, help_text="With page numbers only.")

    class Meta:
        ref_name = "DeliveryPageList"


class CategoryListSerializer(_ListSerializer):
    results = CategorySerializer(many=True)

    class Meta:
        ref_name = "DeliveryCategoryList"


class TagListSerializer(_ListSerializer):
    results = TagSerializer(many=True)

    class Meta:
        ref_name = "DeliveryTagList"


# `?path=` answers the one page at that path instead of a list.
PAGE_LIST_OR_PAGE = AnyOfSerializer("DeliveryPageListOrPage", [PageListSerializer, PageSerializer])
# A preview is the previewed revision in its type's shape (without a page's relatives).
PREVIEW = PolymorphicProxySerializer(
    component_name="DeliveryPreview",
    serializers={"article": ArticleSerializer, "page": PageSerializer},
    resource_type_field_name="type",
)


_COMMON = [
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
ARTICLE_LIST_PARAMS = [
    *_COMMON,
    OpenApiParameter("category", str, description="Category slug."),
    OpenApiParameter("tag", str, description="Tag slug."),
    OpenApiParameter("author", int, description="Author id."),
    OpenApiParameter("published_after", str, description="ISO 8601 date or date-time."),
    OpenApiParameter("published_before", str, description="ISO 8601 date or date-time."),
]
PAGE_LIST_PARAMS = [
    *_COMMON,
    OpenApiParameter("parent", int, description="Only the children of this page."),
    OpenApiParameter("path", str, description="Return the page at this URL path instead."),
]
