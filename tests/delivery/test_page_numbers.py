"""Page-number paging seeks from page boundaries kept per content version
(content.delivery.paging): every page, its `count`, `next` and `previous` must be exactly
what the plain OFFSET gives, across filters, orderings and limits, and after a publish, an
unpublish or an expiry changes what is served."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from content import services
from content.delivery import paging
from content.models.snapshots import DeliverySnapshot
from tests.assertions import assert_error

pytestmark = pytest.mark.django_db
URL = "/api/v1/delivery/articles/"


@pytest.fixture(autouse=True)
def _uncached(settings):
    settings.DELIVERY_CACHE_ENABLED = False  # what is measured: every request is built


@pytest.fixture
def plain(monkeypatch):
    """The same request answered by the plain OFFSET (and a count), as before the maps."""

    def get(client, url):
        with monkeypatch.context() as patched:
            patched.setattr(paging, "applies", lambda query, order: False)
            return client.get(url)

    return get


@pytest.fixture
def catalogue(article, category, tag):
    """23 articles in two categories, some tagged, with ties on the sort keys (the id
    breaks them) and repeated titles."""
    news, sport = category("News"), category("Sport")
    py = tag("python")
    made = [
        article(
            title=f"Story {i % 9}",
            category=(news if i % 3 else sport).pk,
            tags=[py.pk] if i % 2 else [],
            published=True,
        )
        for i in range(23)
    ]
    tied = DeliverySnapshot.objects.filter(object_id__in=[a.pk for a in made[5:9]])
    tied.update(published_at=timezone.now() - timedelta(days=3))
    return made


def _ids(response) -> list[int]:
    return [item["id"] for item in response.json()["results"]]


def _pages(count: int, limit: int) -> range:
    return range(1, -(-count // limit) + 2)  # every page and the one past the end


def _assert_same(api_client, plain, url):
    seek = api_client.get(url)
    offset = plain(api_client, url)
    assert seek.status_code == offset.status_code == 200, url
    assert seek.content == offset.content, url
    assert seek["ETag"] == offset["ETag"]
    return seek


@pytest.mark.parametrize("ordering", ["-published_at", "published_at", "title", "-title"])
@pytest.mark.parametrize("filters", ["", "&category=news", "&tag=python", "&category=sport"])
def test_every_page_is_what_the_offset_gives(api_client, plain, catalogue, ordering, filters):
    for limit in (1, 4, 7, 20):
        first = api_client.get(f"{URL}?limit={limit}&page=1&ordering={ordering}{filters}")
        count = first.json()["count"]
        for page in _pages(count, limit):
            url = f"{URL}?limit={limit}&page={page}&ordering={ordering}{filters}"
            _assert_same(api_client, plain, url)
    assert paging._maps  # the seek answered, not the fallback


def test_the_pages_walk_the_list_once_in_order(api_client, catalogue):
    """Independently of the OFFSET: following `next` gives every item once, in order."""
    expected = list(
        DeliverySnapshot.served.filter(kind="article")
        .order_by("-published_at", "-id")
        .values_list("object_id", flat=True)
    )
    seen, url = [], f"{URL}?limit=4&page=1"
    while url:
        body = api_client.get(url).json()
        assert body["count"] == len(expected)
        seen += [item["id"] for item in body["results"]]
        url = body["next"]
    assert seen == expected


def test_a_deep_page_is_one_query(api_client, catalogue, django_assert_num_queries):
    api_client.get(f"{URL}?limit=2&page=1")  # builds the map
    with django_assert_num_queries(1):
        response = api_client.get(f"{URL}?limit=2&page=11")
    assert response.json()["count"] == 23
    assert len(_ids(response)) == 2
    (kept,) = paging._maps.values()  # the database numbered the rows: only page ends came back
    assert (kept.count, len(kept.boundaries)) == (23, 11)


def test_a_publish_and_an_unpublish_are_seen_at_once(
    api_client, plain, catalogue, article, on_commit
):
    urls = [f"{URL}?limit=5&page={n}" for n in range(1, 7)]
    for url in urls:
        _assert_same(api_client, plain, url)  # the maps are built at this version
    fresh = article(title="Breaking", published=True)
    for url in urls:
        _assert_same(api_client, plain, url)
    assert _ids(api_client.get(urls[0]))[0] == fresh.pk
    on_commit(services.entry_unpublish, entry=catalogue[10], actor=None)
    on_commit(services.entry_unpublish, entry=fresh, actor=None)
    for url in urls:
        _assert_same(api_client, plain, url)
    assert api_client.get(urls[0]).json()["count"] == 22
    assert all(catalogue[10].pk not in _ids(api_client.get(url)) for url in urls)


def test_a_map_of_another_version_is_not_used(api_client, plain, catalogue, article):
    """Another process's publish: this process's map is of the version before it."""
    url = f"{URL}?limit=5&page=3"
    api_client.get(url)
    stale = dict(paging._maps)
    article(title="Elsewhere", published=True)
    paging._maps.update(stale)  # as if this process had not seen the publish
    assert _assert_same(api_client, plain, url).json()["count"] == 24


def test_an_expiry_is_seen_when_it_passes(api_client, plain, catalogue, on_commit):
    expire_at = timezone.now() + timedelta(minutes=5)
    on_commit(
        services.entry_schedule,
        entry=type(catalogue[0]).objects.get(pk=catalogue[0].pk),
        actor=None,
        publish_at=None,
        expire_at=expire_at,
    )
    urls = [f"{URL}?limit=5&page={n}" for n in range(1, 7)]
    for url in urls:
        _assert_same(api_client, plain, url)
    with time_machine.travel(expire_at + timedelta(seconds=1), tick=False):
        for url in urls:
            _assert_same(api_client, plain, url)
        assert api_client.get(urls[0]).json()["count"] == 22


def test_a_search_is_paged_by_offset(api_client, catalogue):
    response = api_client.get(f"{URL}?search=story&page=1&limit=3&ordering=title")
    assert response.status_code == 200
    assert paging._maps == {}


@pytest.mark.parametrize("page", ["0", "-1", "x", "100001"])
def test_a_bad_page_number_is_a_400(api_client, catalogue, page):
    assert_error(api_client.get(f"{URL}?page={page}"), 400)


def test_a_page_past_the_end_is_empty_with_a_way_back(api_client, catalogue):
    body = json.loads(api_client.get(f"{URL}?limit=20&page=9").content)
    assert body["results"] == []
    assert body["count"] == 23
    assert body["next"] is None
    assert "page=8" in body["previous"]


def test_a_list_of_too_many_pages_is_paged_by_offset(api_client, plain, catalogue, monkeypatch):
    monkeypatch.setattr(paging, "MAX_PAGES", 3)
    for page in (1, 5, 12):
        _assert_same(api_client, plain, f"{URL}?limit=2&page={page}")
    assert paging._maps == {}
    _assert_same(api_client, plain, f"{URL}?limit=20&page=2")  # 2 pages: kept
    assert len(paging._maps) == 1
