"""The cached delivery path: one cache read per hit, the anonymous throttle, invalidation."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core.cache import cache

from accounts.models import ApiKey
from content.delivery import local
from content.delivery.throttling import DeliveryThrottle
from tests.accounts.factories import ApiKeyFactory
from tests.assertions import assert_error

pytestmark = pytest.mark.django_db
URL = "/api/v1/delivery/articles/"


@pytest.fixture
def rate(monkeypatch):
    """Set the anonymous delivery rate for one test (a throttle reads it when it is made)."""

    def set_rate(value: str) -> None:
        rates = {**DeliveryThrottle.THROTTLE_RATES, "delivery_anon": value}
        monkeypatch.setattr(DeliveryThrottle, "THROTTLE_RATES", rates)

    return set_rate


def _cache_reads():
    """Record the shared cache's reads (a backend's get_many may call get: not counted)."""
    reads: list[str] = []
    inside: list[bool] = []
    get, get_many = cache.get, cache.get_many

    def one(key, *args, **kwargs):
        if not inside:
            reads.append("get")
        return get(key, *args, **kwargs)

    def many(keys, *args, **kwargs):
        reads.append("get_many")
        inside.append(True)
        try:
            return get_many(keys, *args, **kwargs)
        finally:
            inside.pop()

    patches = (mock.patch.object(cache, "get", one), mock.patch.object(cache, "get_many", many))
    return reads, patches


def test_a_repeated_request_is_answered_within_the_process(api_client, article):
    article(published=True)
    first = api_client.get(URL)
    reads, (one, many) = _cache_reads()
    with one, many:
        again = api_client.get(URL)
    assert again.status_code == 200
    assert again.content == first.content
    assert reads == []


def test_a_cache_hit_reads_the_shared_cache_once(api_client, article, settings):
    settings.DELIVERY_LOCAL_CACHE_SECONDS = 0  # no lease: the database's version every time
    article(published=True)
    assert api_client.get(URL).status_code == 200  # fills the cache
    reads, (one, many) = _cache_reads()
    with one, many:
        response = api_client.get(URL)
    assert response.status_code == 200
    assert reads == ["get"]  # the response; the version is the database's


def test_a_publish_in_another_process_shows_when_the_lease_runs_out(
    api_client, article, time_machine
):
    time_machine.move_to("2026-06-01 12:00:00+00:00", tick=False)
    first = article(title="First", published=True)
    assert [i["id"] for i in api_client.get(URL).json()["results"]] == [first.pk]
    # Published elsewhere: the shared version moves on, this process's lease does not.
    with mock.patch.object(local, "renew"):
        second = article(title="Second", published=True)
    assert [i["id"] for i in api_client.get(URL).json()["results"]] == [first.pk]
    time_machine.shift(1.5)  # past DELIVERY_LOCAL_CACHE_SECONDS (1)
    assert [i["id"] for i in api_client.get(URL).json()["results"]] == [second.pk, first.pk]


def test_anonymous_clients_are_throttled_even_on_cache_hits(api_client, article, rate):
    rate("3/min")
    article(published=True)
    for _ in range(3):
        assert api_client.get(URL).status_code == 200
    response = api_client.get(URL)
    error = assert_error(response, 429, "throttled")
    assert 0 < int(response["Retry-After"]) <= 60
    assert error["details"]["retry_after"] == int(response["Retry-After"])
    # Another client has its own budget.
    assert api_client.get(URL, REMOTE_ADDR="203.0.113.7").status_code == 200


def test_the_shared_counter_catches_up_with_every_process(api_client, article, rate, rf):
    from django.contrib.auth.models import AnonymousUser

    rate("1200/min")
    article(published=True)
    throttle = DeliveryThrottle()
    assert throttle.flush_every == 12  # 1% of the budget
    made = throttle.flush_every + 3
    for _ in range(made):
        assert api_client.get(URL).status_code == 200
    request = rf.get(URL, REMOTE_ADDR="127.0.0.1")
    request.user = AnonymousUser()
    key = f"{throttle.get_cache_key(request, None)}:{int(throttle.timer() // 60)}"
    # What the cache holds plus what this process has not added yet is every request.
    assert 0 < DeliveryThrottle._pending[key] < throttle.flush_every
    assert cache.get(key) + DeliveryThrottle._pending[key] == made
    # Requests another process counted use up this client's budget here too, once this
    # process next adds its own: within flush_every requests.
    cache.incr(key, 1200 - made)
    statuses = [api_client.get(URL).status_code for _ in range(throttle.flush_every)]
    assert 429 in statuses
    assert_error(api_client.get(URL), 429, "throttled")


def test_a_response_built_before_a_publish_is_not_served_after_it(api_client, article):
    first = article(title="First", published=True)
    assert [i["id"] for i in api_client.get(URL).json()["results"]] == [first.pk]
    second = article(title="Second", published=True)  # bumps the content version
    assert [i["id"] for i in api_client.get(URL).json()["results"]] == [second.pk, first.pk]


def test_a_304_keeps_the_cache_headers(api_client, article):
    article(published=True)
    first = api_client.get(URL)
    again = api_client.get(URL, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    for header in ("ETag", "Last-Modified", "Cache-Control", "Surrogate-Key"):
        assert again[header] == first[header]


# --- RateLimit headers and keys with a rate of their own -------------------------------------


def _limits(response) -> tuple[int, int, int]:
    return tuple(int(response[f"RateLimit-{name}"]) for name in ("Limit", "Remaining", "Reset"))


def test_public_responses_carry_no_rate_limit_headers_but_a_429_does(api_client, article, rate):
    """A CDN keeps public responses and would show one client's budget to every other."""
    rate("2/min")
    article(published=True)
    for _ in range(2):
        response = api_client.get(URL)
        assert response.status_code == 200
        assert "public" in response["Cache-Control"]
        assert "RateLimit-Remaining" not in response
    refused = api_client.get(URL)
    assert_error(refused, 429, "throttled")
    limit, remaining, reset = _limits(refused)
    assert (limit, remaining) == (2, 0)
    assert 0 < reset <= 60
    assert int(refused["Retry-After"]) <= reset


def test_private_responses_carry_the_clients_budget(api_client, article, rate, settings):
    settings.DELIVERY_CACHE_CONTROL = "private, max-age=60"
    rate("300/min")  # counted locally between shared increments (flush_every 3)
    article(published=True)
    seen = [_limits(api_client.get(URL))[1] for _ in range(5)]
    assert seen == [299, 298, 297, 296, 295]
    assert _limits(api_client.get(URL, REMOTE_ADDR="203.0.113.7"))[1] == 299


@pytest.fixture
def limited_key():
    key = ApiKeyFactory(scopes=["delivery:read"])
    ApiKey.objects.filter(pk=key.pk).update(rate_limit="2/min")
    return key


@pytest.mark.parametrize("require_key", [False, True])
def test_a_key_with_its_own_rate_is_counted_per_key(
    api_client, article, limited_key, settings, require_key
):
    settings.DELIVERY_REQUIRE_KEY = require_key
    article(published=True)
    auth = {"HTTP_AUTHORIZATION": f"Api-Key {limited_key.raw_key}"}
    for _ in range(2):
        assert api_client.get(URL, **auth).status_code == 200
    refused = api_client.get(URL, **auth)
    assert_error(refused, 429, "throttled")
    assert _limits(refused)[:2] == (2, 0)
    if not require_key:  # anonymous requests from the same address keep their own budget
        assert api_client.get(URL).status_code == 200
