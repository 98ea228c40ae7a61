"""Cursor pages run SQL compiled once per query shape (content.delivery.compiled): each
request must still get its own values, never those of the request that compiled it. With
DELIVERY_COMPILED_QUERIES off, nothing is compiled ahead and the pages are the same."""

from __future__ import annotations

import pytest
from django.conf import settings

from content import services
from content.delivery import compiled
from content.models import Locale

pytestmark = pytest.mark.django_db
URL = "/api/v1/delivery/articles/"
compiled_queries = pytest.mark.skipif(
    not settings.DELIVERY_COMPILED_QUERIES, reason="DELIVERY_COMPILED_QUERIES is off"
)


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


@compiled_queries
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


def _walk(api_client, params: dict) -> list[dict]:
    """Every page a client sees following `next` from the first page to the last, then
    `previous` back to the first."""
    response = api_client.get(URL, params)
    pages = [response.json()]
    for direction in ("next", "previous"):
        while pages[-1][direction]:
            response = api_client.get(pages[-1][direction])
            assert response.status_code == 200, response.content
            pages.append(response.json())
    return pages


WALKS = (
    {"limit": "2"},
    {"limit": "2", "ordering": "published_at"},
    {"limit": "1", "category": "news"},
    {"limit": "2", "tag": "python", "locale": "fr"},  # no French: the default locale's
)


def _library(article, category, tag) -> None:
    news, python = category("News"), tag("python")
    for n in range(7):
        article(
            category=news.pk if n % 2 else None,
            tags=[python.pk] if n % 3 else [],
            published=True,
        )
    Locale.objects.create(code="fr", name="Français")


@compiled_queries  # it compares with them
def test_without_compiled_queries_the_pages_and_cursors_are_the_same(
    api_client, article, category, tag, settings
):
    _library(article, category, tag)
    settings.DELIVERY_COMPILED_QUERIES = False
    through_the_orm = [_walk(api_client, params) for params in WALKS]
    settings.DELIVERY_COMPILED_QUERIES = True
    compiled._shapes.clear()
    assert [_walk(api_client, params) for params in WALKS] == through_the_orm
    assert compiled._shapes  # so the comparison was with compiled queries
    assert [len(walk) for walk in through_the_orm] == [7, 7, 5, 3]  # forth and back


def test_without_compiled_queries_nothing_is_compiled(api_client, article, category, tag, settings):
    _library(article, category, tag)
    settings.DELIVERY_COMPILED_QUERIES = False
    compiled._shapes.clear()
    walk = _walk(api_client, {"limit": "2"})
    ids = [item["id"] for page in walk for item in page["results"]]
    newest_first = sorted(ids[:7], reverse=True)
    assert ids[:7] == newest_first  # forth: all seven, newest first, none twice
    assert ids[7:] == newest_first[-3:-1] + newest_first[-5:-3] + newest_first[-7:-5]  # back
    assert compiled._shapes == {}


@pytest.mark.skipif(settings.DELIVERY_COMPILED_QUERIES, reason="DELIVERY_COMPILED_QUERIES is on")
def test_the_setting_off_leaves_the_suite_nothing_compiled(api_client, article):
    made = article(published=True)
    assert ids(api_client.get(URL, {"limit": "3"})) == [made.pk]
    assert compiled._shapes == {}  # not cleared here: nothing in this run compiled a query
