"""The delivery API's OpenAPI schema declares the shapes it really answers.

A client generated from the schema (openapi-python-client, say) only parses a body the
schema describes: with no 200 schema on the detail endpoints it got `parsed=None`. Real
responses are validated here against the schema, as a generated client or the schema
fuzzer (.ci/run) would.
"""

from __future__ import annotations

import copy
from datetime import datetime

import jsonschema
import pytest

from content import services
from content.blocks import BLOCK_TYPES
from tests.accounts.factories import UserFactory
from tests.content.factories import make_image

pytestmark = pytest.mark.django_db

API = "/api/v1/delivery"
ITEM_FIELDS = {
    "id",
    "type",
    "title",
    "slug",
    "locale",
    "translation_key",
    "url",
    "published_at",
    "updated_at",
}


@pytest.fixture
def schema(client) -> dict:
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def _component(schema: dict, ref: str) -> dict:
    assert ref.startswith("#/components/schemas/"), ref
    return schema["components"]["schemas"][ref.rsplit("/", 1)[1]]


def _ok_schema(schema: dict, path: str) -> dict:
    response = schema["paths"][path]["get"]["responses"]["200"]
    assert "content" in response, f"{path}: the 200 response declares no body"
    return response["content"]["application/json"]["schema"]


def _properties(schema: dict, path: str) -> dict:
    return _component(schema, _ok_schema(schema, path)["$ref"])["properties"]


def _json_schema(node):
    """OpenAPI 3.0 to JSON Schema: `nullable` becomes a null alternative."""
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _json_schema(value) for key, value in node.items()}
    node.pop("discriminator", None)
    if node.pop("nullable", False):
        return {"anyOf": [node, {"type": "null"}]}
    return node


FORMATS = jsonschema.FormatChecker()  # uuid, date, ...; and date-time, which needs a package
FORMATS.checks("date-time", raises=ValueError)(datetime.fromisoformat)


def assert_conforms(schema: dict, path: str, response) -> None:
    """The response is a 200 whose body validates against the operation's 200 schema."""
    assert response.status_code == 200, response.content[:500]
    document = {
        **_json_schema(copy.deepcopy(_ok_schema(schema, path))),
        "components": _json_schema(copy.deepcopy(schema["components"])),
    }
    validator = jsonschema.Draft7Validator(document, format_checker=FORMATS)
    errors = [
        f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(response.json())
    ]
    assert not errors, errors


def test_detail_endpoints_declare_the_item_they_answer(schema):
    article = _properties(schema, f"{API}/articles/{{slug}}/")
    assert {
        *ITEM_FIELDS,
        "summary",
        "published_date",
        "category",
        "tags",
        "authors",
        "cover_image",
        "body",
        "seo",
    } <= set(article)
    assert article["published_at"] == {"type": "string", "format": "date-time"}
    page = _properties(schema, f"{API}/pages/{{id}}/")
    assert {*ITEM_FIELDS, "parent", "body", "seo", "breadcrumbs", "children"} <= set(page)
    crumb = _component(schema, page["breadcrumbs"]["items"]["$ref"])
    assert set(crumb["properties"]) == {"id", "title", "url"}
    blocks = _component(schema, article["body"]["items"]["$ref"])  # one of the block types
    for variant in blocks["oneOf"]:
        assert set(_component(schema, variant["$ref"])["properties"]) == {"type", "value"}
    seo = _component(schema, article["seo"]["$ref"])
    assert set(seo["properties"]) == {"title", "description", "og_image"}

    media = _properties(schema, f"{API}/media/{{id}}/")
    assert {"id", "url", "kind", "width", "height", "alt", "caption", "rendition"} <= set(media)
    rendition = _component(schema, media["rendition"]["$ref"])
    assert set(rendition["properties"]) == {"spec", "url", "width", "height"}
    redirect = _properties(schema, f"{API}/redirects/")
    assert set(redirect) == {"old_path", "new_path", "permanent"}
    preview = _component(schema, _ok_schema(schema, f"{API}/preview/{{token}}/")["$ref"])
    assert preview["discriminator"]["propertyName"] == "type"
    # Every registered type, the Event test type (tests/eventapp) included.
    assert set(preview["discriminator"]["mapping"]) == {"article", "event", "page"}


def test_list_items_are_typed(schema):
    for path, item in [
        (f"{API}/articles/", {"summary", "category", "tags", "cover_image"}),
        (f"{API}/categories/", {"id", "name", "slug", "parent"}),
        (f"{API}/tags/", {"id", "name", "slug"}),
    ]:
        results = _properties(schema, path)["results"]
        assert item <= set(_component(schema, results["items"]["$ref"])["properties"]), path
    page_list = _component(schema, _ok_schema(schema, f"{API}/pages/")["$ref"])
    refs = {option["$ref"].rsplit("/", 1)[1] for option in page_list["anyOf"]}
    assert refs == {"DeliveryPageList", "DeliveryPage"}  # `?path=` answers one page


@pytest.fixture
def published(on_commit, category, tag, article, page):
    """An article using every relation, and a page with a parent and a child."""
    image = make_image(title="Cover", width=40, height=30)
    author = UserFactory(role="Author", full_name="Ann Author")
    news = category("News")
    entry = article(
        title="Everything at once",
        summary="All the relations",
        category=news.pk,
        tags=[tag("python").pk, tag("django").pk],
        authors=[author.pk],
        cover_image=image.pk,
        body=[
            {"type": "heading", "value": {"text": "Hello", "level": 2}},
            {"type": "image", "value": {"image": image.pk, "alt": "A cover"}},
            {"type": "list", "value": {"style": "bulleted", "items": ["one", "two"]}},
            {"type": "paragraph", "value": {"text": "Some <strong>bold</strong> text"}},
            {"type": "quote", "value": {"text": "To be", "attribution": "Hamlet"}},
            {"type": "embed", "value": {"url": "https://www.youtube.com/watch?v=x"}},
            {"type": "code", "value": {"language": "python", "code": "print(1)\n"}},
            {"type": "callout", "value": {"tone": "warning", "text": "Mind the gap"}},
        ],
        published=True,
    )
    about = page(title="About", published=True)
    team = page(title="Team", parent=about.pk, published=True)
    page(title="Ann", parent=team.pk, published=True)
    return {"article": entry, "image": image, "about": about, "team": team}


def test_real_responses_conform_to_the_schema(schema, api_client, published, on_commit):
    entry, image, team = published["article"], published["image"], published["team"]
    get = api_client.get
    detail = f"{API}/articles/{{slug}}/"
    assert_conforms(schema, detail, get(f"{API}/articles/{entry.slug}/"))
    assert_conforms(schema, detail, get(f"{API}/articles/{entry.slug}/", {"expand": "tags"}))
    assert_conforms(schema, detail, get(f"{API}/articles/{entry.slug}/", {"fields": "id,body"}))
    assert_conforms(schema, f"{API}/articles/", get(f"{API}/articles/"))
    assert_conforms(schema, f"{API}/articles/", get(f"{API}/articles/", {"page": 1, "expand": ""}))
    assert_conforms(schema, f"{API}/pages/{{id}}/", get(f"{API}/pages/{team.pk}/"))
    assert_conforms(schema, f"{API}/pages/", get(f"{API}/pages/"))
    assert_conforms(schema, f"{API}/pages/", get(f"{API}/pages/", {"path": "/about/team/"}))
    assert_conforms(schema, f"{API}/categories/", get(f"{API}/categories/"))
    assert_conforms(schema, f"{API}/tags/", get(f"{API}/tags/"))
    media = f"{API}/media/{{id}}/"
    assert_conforms(schema, media, get(f"{API}/media/{image.pk}/"))
    assert_conforms(schema, media, get(f"{API}/media/{image.pk}/", {"rendition": "max-20"}))

    on_commit(services.entry_update, entry=entry, actor=None, data={"slug": "moved"})
    on_commit(services.entry_publish, entry=type(entry).objects.get(pk=entry.pk), actor=None)
    old = {"path": f"/articles/{entry.slug}/"}
    assert_conforms(schema, f"{API}/redirects/", get(f"{API}/redirects/", old))

    editor = UserFactory(role="Editor")
    api_client.force_authenticate(editor)
    links = [
        api_client.post(f"/api/v1/{kind}/{pk}/preview-link/").json()["url"]
        for kind, pk in [("articles", entry.pk), ("pages", team.pk)]
    ]
    api_client.force_authenticate(None)
    for url in links:
        assert_conforms(schema, f"{API}/preview/{{token}}/", get(url))


def test_frontends_can_tell_html_fields_from_plain_text(schema):
    """Every block type is described, HTML strings say `format: html`, the others say they
    are plain text to escape (README: HTML fields and plain-text fields)."""
    components = schema["components"]["schemas"]
    variants = components["DeliveryBlock"]["discriminator"]["mapping"]
    assert set(variants) == set(BLOCK_TYPES)

    def value(kind: str) -> dict:
        block = _component(schema, variants[kind])
        return _component(schema, block["properties"]["value"]["$ref"])["properties"]

    for kind, field in [("paragraph", "text"), ("heading", "text"), ("quote", "text")]:
        assert value(kind)[field]["format"] == "html", kind
    assert value("list")["items"]["items"]["format"] == "html"
    assert value("callout")["text"]["format"] == "html"
    for kind, field in [("quote", "attribution"), ("code", "code"), ("image", "alt")]:
        assert "format" not in value(kind)[field]
        assert "escape it on output" in value(kind)[field]["description"], (kind, field)
    article = components["DeliveryArticle"]["properties"]
    assert "escape it on output" in article["title"]["description"]
    assert "escape it on output" in article["summary"]["description"]
