"""An uncached detail is one query, compiled once per type (content.delivery.views
.detail_rows), reading only the columns its response needs; its bytes and headers are
those the ORM's query gave."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings

from content.delivery import compiled
from tests.assertions import assert_error

pytestmark = pytest.mark.django_db
URL = "/api/v1/delivery/articles/"


@pytest.fixture(autouse=True)
def _uncached(settings):
    settings.DELIVERY_CACHE_ENABLED = False


def _same(a, b) -> None:
    assert a.status_code == b.status_code
    assert a.content == b.content
    for name in ("ETag", "Last-Modified", "Surrogate-Key", "Vary", "Cache-Control"):
        assert a.get(name) == b.get(name)


def test_a_detail_is_one_query_of_the_columns_it_shows(
    api_client, article, django_assert_num_queries
):
    entry = article(title="One query", summary="Short", published=True)
    api_client.get(f"{URL}{entry.slug}/")  # compiles the shape
    with django_assert_num_queries(1) as captured:
        response = api_client.get(f"{URL}{entry.slug}/")
    assert response.json()["title"] == "One query"
    sql = captured.captured_queries[0]["sql"]
    assert "search_text" not in sql
    assert "summary_json" not in sql


@pytest.mark.skipif(
    not django_settings.DELIVERY_COMPILED_QUERIES, reason="DELIVERY_COMPILED_QUERIES is off"
)
def test_compiled_and_orm_details_are_the_same(api_client, article, tag, settings):
    py = tag("python")
    entry = article(title="Both ways", tags=[py.pk], published=True)
    urls = [
        f"{URL}{entry.slug}/",
        f"{URL}{entry.slug}/?fields=title,slug",
        f"{URL}{entry.slug}/?expand=tags",
        f"{URL}{entry.slug}/?locale=en",
    ]
    compiled._shapes.clear()
    fast = [api_client.get(url, HTTP_ACCEPT_ENCODING="gzip") for url in urls]
    assert any(shape[0] == "detail" for shape in compiled._shapes)
    settings.DELIVERY_COMPILED_QUERIES = False
    for url, got in zip(urls, fast, strict=True):
        _same(got, api_client.get(url, HTTP_ACCEPT_ENCODING="gzip"))


def test_each_request_gets_its_own_item(api_client, article):
    first, second = article(title="First", published=True), article(title="Second", published=True)
    assert api_client.get(f"{URL}{first.slug}/").json()["title"] == "First"
    assert api_client.get(f"{URL}{second.slug}/").json()["title"] == "Second"


def test_a_draft_or_missing_item_is_a_404(api_client, article):
    draft = article(title="Not yet")
    assert_error(api_client.get(f"{URL}{draft.slug}/"), 404)
    assert_error(api_client.get(f"{URL}no-such-item/"), 404)


def test_a_bad_parameter_is_a_400(api_client, article):
    entry = article(published=True)
    assert_error(api_client.get(f"{URL}{entry.slug}/?bogus=1"), 400)
    assert_error(api_client.get(f"{URL}{entry.slug}/?locale=zz"), 400)
