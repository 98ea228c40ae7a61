"""Delivery serves every registered type from its registration alone (content.types).

A throwaway type, "story", is registered over the Article model for one test (the
registry is restored after it): no delivery code names it, yet it gets its snapshots, its
routes (`delivery/stories/`, `delivery/stories/<slug>/`), its own list filters and its
own OpenAPI components. tests/eventapp's Event type covers a model of its own.
"""

from __future__ import annotations

import types as modules

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import include, path
from drf_spectacular.generators import SchemaGenerator

from content import types
from content.delivery.entries import EntryDelivery
from content.delivery.registry import entry_deliveries
from content.delivery.services import snapshots_rebuild_all
from content.models import Article
from content.types import EntryType
from tests.assertions import assert_error

pytestmark = pytest.mark.django_db
API = "/api/v1/delivery"

STORY = EntryType(
    model=Article,
    api_name="story",
    plural="stories",
    label="Stories",
    snapshot=("summary", "category", "published_date"),
    delivery_filters=("published_after",),
)


@pytest.fixture
def stories(monkeypatch, settings, article, category):
    """Two published articles, delivered as stories: the registry holds "story" (for
    Article) and the registered types after it, and the URLconf routes what it holds."""
    news = category("News")
    made = [
        article(title="Tall tale", summary="A dragon", category=news.pk, published=True),
        article(title="Short story", summary="A mouse", published=True),
    ]
    others = {name: t for name, t in types._registry.items() if t.model is not Article}
    monkeypatch.setattr(types, "_registry", {"story": STORY, **others})
    monkeypatch.setattr(types, "_by_model", {t.model: t for t in types._registry.values()})
    snapshots_rebuild_all()
    routes = [route for delivery in entry_deliveries() for route in delivery.urls()]
    urlconf = modules.ModuleType("story_urls")
    urlconf.urlpatterns = [path("api/v1/delivery/", include(routes))]
    settings.ROOT_URLCONF = urlconf
    return {"made": made, "news": news, "urlconf": urlconf}


def test_a_registered_type_is_listed_and_served_by_slug(api_client, stories):
    tall, short = stories["made"]
    listed = api_client.get(f"{API}/stories/")
    assert listed.status_code == 200
    items = listed.json()["results"]
    assert [i["id"] for i in items] == [short.pk, tall.pk]
    # The common keys, then its snapshot fields as its revisions keep them (ids, not
    # expanded objects: the generic delivery knows nothing of categories).
    assert list(items[1]) == [*types.CORE_SUMMARY, "summary", "category", "published_date"]
    assert items[1]["type"] == "story"
    assert items[1]["url"] == f"/stories/{tall.slug}/"
    assert items[1]["summary"] == "A dragon"
    assert items[1]["category"] == stories["news"].pk

    detail = api_client.get(f"{API}/stories/{tall.slug}/")
    assert detail.status_code == 200
    item = detail.json()
    assert item["title"] == "Tall tale"
    assert item["body"] == [{"type": "paragraph", "value": {"text": "Hello"}}]
    assert item["seo"]["title"] == "Tall tale"
    assert api_client.get(f"{API}/stories/{tall.slug}/", {"fields": "id,summary"}).json() == {
        "id": tall.pk,
        "summary": "A dragon",
    }
    assert api_client.get(f"{API}/stories/nope/").status_code == 404


def test_a_registered_type_takes_the_filters_it_names(api_client, stories):
    tall, short = stories["made"]
    found = api_client.get(f"{API}/stories/", {"published_after": "2000-01-01"}).json()
    assert {i["id"] for i in found["results"]} == {tall.pk, short.pk}
    later = api_client.get(f"{API}/stories/", {"published_after": "2999-01-01"}).json()
    assert later["results"] == []
    for params in ({"category": "news"}, {"published_after": "soon"}, {"expand": "category"}):
        error = assert_error(api_client.get(f"{API}/stories/", params), 400, "validation_error")
        assert set(error["details"]) == set(params)
    # Its text fields are searched.
    searched = api_client.get(f"{API}/stories/", {"search": "dragon"}).json()
    assert [i["id"] for i in searched["results"]] == [tall.pk]


def test_a_registered_type_has_its_own_openapi_components(stories):
    generator = SchemaGenerator(patterns=stories["urlconf"].urlpatterns)
    schema = generator.get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    summary = components["DeliveryStorySummary"]["properties"]
    assert summary["type"] == {"$ref": "#/components/schemas/DeliveryStoryType"}
    assert components["DeliveryStoryType"]["enum"] == ["story"]
    assert summary["summary"]["type"] == "string"
    assert summary["category"] == {"type": "integer", "nullable": True}
    assert summary["published_date"] == {"type": "string", "format": "date", "nullable": True}
    assert {"body", "seo"} <= set(components["DeliveryStory"]["properties"])
    assert components["DeliveryStoryList"]["properties"]["results"]["items"] == {
        "$ref": "#/components/schemas/DeliveryStorySummary"
    }
    operation = schema["paths"]["/api/v1/delivery/stories/"]["get"]
    assert operation["operationId"] == "delivery_stories_list"
    names = {p["name"] for p in operation["parameters"]}
    assert "published_after" in names
    assert not names & {"category", "tag", "author", "parent", "published_before"}
    detail = schema["paths"]["/api/v1/delivery/stories/{slug}/"]["get"]
    assert detail["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/DeliveryStory"
    }


def test_a_registration_naming_an_unknown_filter_is_refused():
    with pytest.raises(ImproperlyConfigured, match="no delivery filter is called colour"):
        EntryDelivery(
            EntryType(
                model=Article, api_name="paint", plural="paints", delivery_filters=("colour",)
            )
        )


def test_a_registration_whose_name_is_too_long_for_a_snapshot_kind_is_refused():
    # As long as a runtime type's api_id may be (40), no longer.
    EntryDelivery(EntryType(model=Article, api_name="a" * 40, plural="as"))
    with pytest.raises(ImproperlyConfigured, match="at most 40 characters"):
        EntryDelivery(EntryType(model=Article, api_name="a" * 41, plural="as"))
