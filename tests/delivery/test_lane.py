"""The delivery lane (content.delivery.lane): anonymous delivery reads take a shorter stack,
and cache hits are answered at its top, with the same answer the whole stack gives."""

from __future__ import annotations

import pytest
from django.test import AsyncClient, Client, override_settings
from prometheus_client import REGISTRY

from content.delivery import lane, lane_headers
from core import request_metrics
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/delivery/articles/"
# Headers that differ between any two requests, whatever served them.
PER_REQUEST = {"Date", "X-Request-ID", "RateLimit-Remaining"}


def _headers(response) -> dict[str, str]:
    return {k: v for k, v in response.headers.items() if k not in PER_REQUEST}


@pytest.fixture
def compare(article):
    """(main stack's response, the lane's first = a miss, the lane's second = a hit)."""
    article(published=True, slug="one")

    def run(path: str = URL, **headers):
        with override_settings(DELIVERY_LANE=False, DELIVERY_CACHE_ENABLED=False):
            main = Client().get(path, headers=headers)
        miss = Client().get(path, headers=headers)
        hit = Client().get(path, headers=headers)
        return main, miss, hit

    return run


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Accept-Encoding": "gzip"},
        {"Origin": "https://www.example.com"},
        {"Origin": "https://evil.example.net"},
    ],
    ids=["plain", "gzip", "cors-allowed", "cors-other"],
)
@override_settings(CORS_ALLOWED_ORIGINS=["https://www.example.com"])
def test_a_hit_has_the_headers_and_body_of_the_whole_stack(compare, headers):
    main, miss, hit = compare(URL, **headers)
    assert main.status_code == miss.status_code == hit.status_code == 200
    assert _headers(main) == _headers(miss) == _headers(hit)
    assert main.content == miss.content == hit.content
    assert "Content-Security-Policy" in hit
    assert "X-Content-Type-Options" in hit


@override_settings(CORS_ALLOWED_ORIGINS=["https://www.example.com"])
def test_the_lane_answers_errors_as_the_whole_stack_does(compare):
    for path in (f"{URL}no-such-slug/", f"{URL}?limit=abc", "/api/v1/delivery/nowhere/"):
        main, miss, _hit = compare(path, Origin="https://www.example.com")
        assert main.status_code == miss.status_code
        assert main.status_code >= 400
        assert _headers(main) == _headers(miss)
        assert main.content == miss.content


def test_a_hit_makes_no_query_and_resolves_no_url(api_client, article, django_assert_num_queries):
    article(published=True)
    api_client.get(URL)
    with django_assert_num_queries(0):
        hit = api_client.get(URL)
    assert hit.status_code == 200
    # The main stack's handler resolves the URL and records it; a hit never got that far.
    assert getattr(hit.wsgi_request, "resolver_match", None) is None


def test_a_hit_answers_304_to_its_etag(api_client, article):
    article(published=True)
    etag = api_client.get(URL)["ETag"]
    again = api_client.get(URL, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again["ETag"] == etag


@pytest.fixture
def editor():
    return UserFactory(role="Editor")


def test_a_publish_is_seen_at_once(api_client, article):
    article(published=True, title="First")
    api_client.get(URL)
    article(published=True, title="Second")  # bumps the content version
    titles = [item["title"] for item in api_client.get(URL).json()["results"]]
    assert "Second" in titles


def test_a_session_cookie_changes_nothing_on_delivery(api_client, article, editor):
    """The lane reads no session: no Vary: Cookie, no cookie set, the same body."""
    article(published=True)
    anonymous = api_client.get(URL)
    api_client.force_login(editor)
    signed_in = api_client.get(URL)
    assert "Cookie" not in signed_in.get("Vary", "")
    assert not signed_in.cookies
    assert signed_in.content == anonymous.content


def test_credentials_are_still_checked_on_a_hit(api_client, article):
    article(published=True)
    api_client.get(URL)
    refused = api_client.get(URL, headers={"Authorization": "Bearer not-a-token"})
    assert refused.status_code == 401


def test_the_lane_skips_what_delivery_never_uses():
    skipped = set(lane.lane_middleware()) & {
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "axes.middleware.AxesMiddleware",
    }
    assert skipped == set()
    # Everything that guards or labels a response is kept.
    assert {
        lane_headers.ConstantHeadersMiddleware,  # security headers, frame options, the CSP
        "core.cors.CorsMiddleware",
        "core.middleware.NulCharacterGuardMiddleware",
    } <= set(lane.lane_middleware())


def test_excluded_paths_take_the_main_stack(api_client, article, editor, settings):
    """Only the main stack signs a session's user in (AuthenticationMiddleware)."""
    article(published=True)
    api_client.force_login(editor)
    assert not hasattr(api_client.get(URL).wsgi_request, "user")
    settings.DELIVERY_LANE_EXCLUDED_PATHS = [URL]
    assert Client().get(URL).status_code == 200  # a new handler reads the setting
    client = Client()
    client.force_login(editor)
    assert client.get(URL).wsgi_request.user == editor


def test_a_hit_is_counted_under_the_view_that_built_it(api_client, article):
    def answered() -> float:
        labels = {"status": "200", "view": "delivery-articles", "method": "GET"}
        name = "django_http_responses_total_by_status_view_method_total"
        request_metrics.flush()  # as /metrics does before it reads
        return REGISTRY.get_sample_value(name, labels) or 0

    article(published=True)
    api_client.get(URL)
    before = answered()
    assert api_client.get(URL).wsgi_request.view_name == "delivery-articles"  # a hit
    assert answered() == before + 1


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_the_lane_serves_under_asgi_too():
    """The real-time process runs the same stack in async mode: the lane is adapted."""
    client = AsyncClient()
    first = await client.get(URL)
    again = await client.get(URL, headers={"If-None-Match": first["ETag"]})
    assert first.status_code == 200
    assert again.status_code == 304
