"""Cursor pages run SQL compiled once per query shape (content.delivery.compiled): each
request must still get its own values, never those of the request that compiled it."""

from __future__ import annotations

import pytest

from content import services
from content.delivery import compiled
from content.models import Locale

pytestmark = pytest.mark.django_db
URL = "/api/v1/delivery/articles/"


@pytest.fixture(autouse=True)
def uncached(settings):
    settings.DELIVERY_CACHE_ENABLED = False  # every request below runs its query


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["results"]]


def test_each_request_of_a_shape_gets_its_own_filter_values(api_client, article, category, tag):
    news, sport = category("News"), category("Sport")
    python, rust = tag("python"), tag("rust")
    a = article(category=news.pk, tags=[python.pk], published=True)
    b = article(category=sport.pk, tags=[rust.pk], published=True)
    assert ids(api_client.get(URL, {"category": news.slug})) == [a.pk]
    assert ids(api_client.get(URL, {"category": sport.slug})) == [b.pk]
    assert ids(api_client.get(URL, {"tag": rust.slug})) == [b.pk]
    assert ids(api_client.get(URL, {"tag": python.slug})) == [a.pk]
    assert ids(api_client.get(URL, {"category": "nope"})) == []


def test_a_shape_is_compiled_once(api_client, article, category):
    news, sport = category("News"), category("Sport")
    article(category=news.pk, published=True)
    compiled._shapes.clear()
    for value in (news.slug, sport.slug, news.slug):
        api_client.get(URL, {"category": value, "limit": "7"})
    api_client.get(URL, {"limit": "7"})
    assert len(compiled._shapes) == 2  # with a category, and without


def test_cursor_pages_walk_every_item_once(api_client, article):
    made = [article(published=True).pk for _ in range(7)]
    seen, url, params = [], URL, {"limit": "2"}
    while url:
        response = api_client.get(url, params)
        seen += ids(response)
        url, params = response.json()["next"], {}
    assert seen == sorted(made, reverse=True)  # newest first, none twice
    back = api_client.get(response.json()["previous"])
    assert ids(back) == seen[-3:-1]


def test_locales_of_one_shape_fall_back_each_to_its_own(api_client, article, on_commit):
    fr = Locale.objects.create(code="fr", name="Français")
    de = Locale.objects.create(code="de", name="Deutsch")
    Locale.objects.create(code="es", name="Español")  # nothing translated into it yet
    hello = article(title="Hello", published=True)
    for locale, title in ((fr, "Bonjour"), (de, "Hallo")):
        entry = on_commit(
            services.entry_create,
            model=type(hello),
            actor=None,
            data={"title": title, "locale": locale.pk, "translation_key": hello.translation_key},
        )
        on_commit(services.entry_publish, entry=entry, actor=None)

    def titles(locale):
        response = api_client.get(URL, {"locale": locale})
        return [item["title"] for item in response.json()["results"]]

    assert titles("fr") == ["Bonjour"]
    assert titles("de") == ["Hallo"]
    assert titles("es") == ["Hello"]  # no Spanish: the default locale's
    assert titles("en") == ["Hello"]
