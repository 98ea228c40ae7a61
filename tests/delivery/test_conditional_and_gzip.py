"""Conditional requests (If-None-Match, If-Modified-Since) and gzip on the delivery API, on
the cached and the uncached path, and gzip on the rest of the API."""

from __future__ import annotations

import gzip
import json
from unittest import mock

import pytest
from django.utils.http import http_date, parse_http_date
from rest_framework.test import APIClient

from content.delivery import local
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/delivery/articles/"
GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


@pytest.fixture(params=[True, False], ids=["cached", "uncached"])
def cache_enabled(request, settings):
    settings.DELIVERY_CACHE_ENABLED = request.param
    return request.param


def _shifted(last_modified: str, seconds: int) -> str:
    return http_date(parse_http_date(last_modified) + seconds)


def test_if_modified_since(api_client, article, cache_enabled):
    entry = article(published=True)
    for path in (URL, f"{URL}{entry.slug}/"):
        first = api_client.get(path)
        last_modified = first["Last-Modified"]
        for since, status in (
            (last_modified, 304),
            (_shifted(last_modified, 3600), 304),  # a copy from later than the change
            (_shifted(last_modified, -1), 200),  # changed since the client's copy
            ("not a date", 200),
        ):
            response = api_client.get(path, HTTP_IF_MODIFIED_SINCE=since)
            assert response.status_code == status, (path, since)
            if status == 304:
                assert response.content == b""
                assert response["ETag"] == first["ETag"]
                assert response["Last-Modified"] == last_modified


def test_if_none_match_takes_precedence_over_if_modified_since(api_client, article, cache_enabled):
    article(published=True)
    first = api_client.get(URL)
    fresh = {"HTTP_IF_MODIFIED_SINCE": first["Last-Modified"]}
    assert api_client.get(URL, HTTP_IF_NONE_MATCH='"other"', **fresh).status_code == 200
    stale = {"HTTP_IF_MODIFIED_SINCE": _shifted(first["Last-Modified"], -3600)}
    assert api_client.get(URL, HTTP_IF_NONE_MATCH=first["ETag"], **stale).status_code == 304
    listed = f'"nope", {first["ETag"]}'
    assert api_client.get(URL, HTTP_IF_NONE_MATCH=listed).status_code == 304
    assert api_client.get(URL, HTTP_IF_NONE_MATCH="*").status_code == 304


def test_a_publish_makes_the_old_copy_stale(api_client, article, cache_enabled):
    article(published=True)
    first = api_client.get(URL)
    article(published=True)
    response = api_client.get(URL, HTTP_IF_NONE_MATCH=first["ETag"])
    assert response.status_code == 200


@pytest.fixture
def big_list(article):
    for n in range(30):
        article(
            title=f"Article number {n}", summary="A summary of the article. " * 6, published=True
        )
    return f"{URL}?limit=30"


def test_a_big_list_is_gzipped_and_decompresses_to_the_same_json(
    api_client, big_list, cache_enabled
):
    plain = api_client.get(big_list)
    assert "Content-Encoding" not in plain
    assert "Accept-Encoding" in plain["Vary"]
    zipped = api_client.get(big_list, **GZIP)
    assert zipped.status_code == 200
    assert zipped["Content-Encoding"] == "gzip"
    assert zipped["Content-Type"] == "application/json"
    assert "Accept-Encoding" in zipped["Vary"]
    assert gzip.decompress(zipped.content) == plain.content
    assert json.loads(gzip.decompress(zipped.content))["results"]
    assert len(zipped.content) * 4 < len(plain.content)
    # The compressed body is another representation: the same tag, made weak.
    assert zipped["ETag"] == f"W/{plain['ETag']}"
    for tag in (zipped["ETag"], plain["ETag"]):
        again = api_client.get(big_list, HTTP_IF_NONE_MATCH=tag, **GZIP)
        assert again.status_code == 304, tag
        assert again["ETag"] == zipped["ETag"]
        assert api_client.get(big_list, HTTP_IF_NONE_MATCH=tag).status_code == 304


def test_a_cached_hit_does_not_compress_again(api_client, big_list):
    first = api_client.get(big_list, **GZIP)
    with mock.patch("content.delivery.http.compress_string") as compress_string:
        in_process = api_client.get(big_list, **GZIP)
        local.clear()  # the next hit comes from the shared cache
        shared = api_client.get(big_list, **GZIP)
    compress_string.assert_not_called()
    assert in_process.content == shared.content == first.content


def test_the_first_client_to_take_gzip_fills_the_cache(api_client, big_list):
    plain = api_client.get(big_list)  # cached uncompressed
    api_client.get(big_list, **GZIP)  # compressed once, and stored again
    local.clear()
    with mock.patch("content.delivery.http.compress_string") as compress_string:
        zipped = api_client.get(big_list, **GZIP)
    compress_string.assert_not_called()
    assert gzip.decompress(zipped.content) == plain.content


def test_small_responses_are_not_compressed(api_client, article, cache_enabled):
    entry = article(published=True)
    small = api_client.get(f"{URL}{entry.slug}/", {"fields": "id,title"}, **GZIP)
    assert small.status_code == 200
    assert len(small.content) < 1024
    assert "Content-Encoding" not in small
    assert "Accept-Encoding" not in small["Vary"]
    assert not small["ETag"].startswith("W/")


def test_the_management_api_is_gzipped_too(big_list):
    client = APIClient()
    client.force_authenticate(UserFactory(role="Editor"))
    big = client.get("/api/v1/articles/", {"limit": 30}, **GZIP)
    assert big["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(big.content))["results"]
    small = client.get("/api/v1/auth/me/", **GZIP)
    assert small.status_code == 200
    assert "Content-Encoding" not in small


def test_admin_pages_are_not_compressed(admin_client):
    """HTML read with a session cookie and carrying CSRF tokens: left alone (BREACH)."""
    response = admin_client.get("/admin/", **GZIP)
    assert response.status_code == 200
    assert "Content-Encoding" not in response
