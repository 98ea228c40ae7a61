"""Circuit breakers (core.breakers) on real dependencies: a webhook host answering 500s,
a link host refusing connections, a Redis server stopped for real. Each breaker opens after
CIRCUIT_BREAKER_FAIL_MAX failures, shows in /metrics, /health/ready/ and the dashboard, and
closes again after a successful probe."""

from __future__ import annotations

import re

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from accounts.services import user_create
from content.models import Article
from core import breakers
from governance.models import DeliveryStatus, WebhookDelivery
from governance.policies.link_checks import link_check_store
from governance.reports import cards
from governance.webhooks.services import (
    webhook_create,
    webhook_deliveries_sweep,
    webhook_event_emit,
)
from tests.content.factories import ArticleFactory
from tests.loopback import Receiver
from tests.redis_process import RedisProcess, redis_cache
from tests.waiting import wait_for

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-passphrase-42"


@pytest.fixture
def fast_breakers(settings):
    settings.CIRCUIT_BREAKER_FAIL_MAX = 2
    settings.CIRCUIT_BREAKER_RESET_SECONDS = 0.3
    breakers.reset_all()  # made again with these settings


@pytest.fixture
def admin_user():
    return user_create(
        actor=None,
        email="root@example.com",
        password="a-long-passphrase-42",
        roles=["Administrator"],
    )


def gauge(text: str, name: str) -> float | None:
    found = re.search(
        rf'^folio_circuit_breaker_state\{{breaker="{re.escape(name)}"\}} (\S+)$', text, re.M
    )
    return float(found.group(1)) if found else None


def test_a_failing_webhook_host_opens_its_breaker_and_spends_no_attempts(
    fast_breakers, admin_user, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    settings.WEBHOOK_BACKOFF_SECONDS = 60
    with Receiver() as receiver:
        receiver.status = 500
        webhook_create(actor=admin_user, name="site", url=receiver.url)
        for n in range(3):
            with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
                webhook_event_emit(event_type="content.published", payload={"id": n})
        # Two 500s opened the host's breaker: the third delivery was not sent at all.
        assert len(receiver.requests) == 2
        spared = WebhookDelivery.objects.order_by("pk").last()
        assert spared.attempts == 0
        assert "circuit breaker is open" in spared.last_error
        name = "webhook:127.0.0.1"
        metrics = Client().get("/metrics").content.decode()
        assert gauge(metrics, name) == 2.0
        card = next(c for c in cards.dashboard_cards(admin_user) if c.key == "dependencies")
        assert card.count.value == 1
        assert card.items[0].title == name
        assert card.items[0].meta.startswith("open")
        ready = Client().get("/health/ready/").json()
        assert ready["status"] == "degraded"  # a webhook host is optional
        assert {"name": name, "state": "open", "failures": 2, "optional": True} in ready["breakers"]

        receiver.status = 204
        wait_for(lambda: not breakers.is_open(name))  # the cool-down
        WebhookDelivery.objects.update(next_attempt_at=timezone.now())
        webhook_deliveries_sweep()
        assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {
            DeliveryStatus.SUCCEEDED
        }
        assert len(receiver.requests) == 5
        assert breakers.breaker(name).current_state == "closed"
        assert gauge(Client().get("/metrics").content.decode(), name) == 0.0


def test_a_dead_link_host_is_not_asked_again_during_the_cool_down(fast_breakers, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True  # the SSRF guard's switch for loopback
    url = "http://127.0.0.1:9/page-{}"  # discard port: nothing listens, connections refused
    errors = [link_check_store(url.format(n), timeout=1)[0].error for n in range(3)]
    assert "ConnectionRefused" in errors[0] or "Connection refused" in errors[0], errors
    assert errors[2] == "Not fetched: the host failed its last checks (circuit breaker open)."
    assert breakers.breaker("link-check:127.0.0.1").current_state == "open"


@pytest.fixture
def stopped_redis(settings):
    """The default cache on a private redis-server, which the test then stops."""
    with RedisProcess() as redis:
        settings.CACHES = {**settings.CACHES, "default": redis_cache(redis.url)}
        yield redis


def test_with_redis_down_delivery_serves_and_throttles_still_limit_per_process(
    fast_breakers, stopped_redis, monkeypatch
):
    rates = {
        **SimpleRateThrottle.THROTTLE_RATES,
        "password_reset": "3/min",
        "delivery_anon": "12/min",
    }
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)
    article = ArticleFactory(title="Still here", published=True)
    stopped_redis.close()
    client = APIClient()
    delivery = [client.get(f"/api/v1/delivery/articles/{article.slug}/") for _ in range(14)]
    assert [r.status_code for r in delivery[:12]] == [200] * 12  # from the database
    assert delivery[0].json()["title"] == "Still here"
    assert [r.status_code for r in delivery[12:]] == [429, 429]  # counted in this process
    resets = [
        client.post("/api/v1/auth/password/reset/", {"email": "x@example.com"}) for _ in range(5)
    ]
    # DRF's throttles: the fallback counter, which their RateLimit headers report.
    assert [r.status_code for r in resets] == [202, 202, 202, 429, 429]
    assert [r["RateLimit-Remaining"] for r in resets] == ["2", "1", "0", "0", "0"]
    ready = client.get("/health/ready/")
    assert ready.status_code == 200
    assert ready.json()["status"] == "degraded"
    assert ready.json()["checks"]["cache"]["status"] == "error"
    assert {b["name"]: b["state"] for b in ready.json()["breakers"]}["cache"] == "open"


def test_with_redis_down_sessions_and_writes_work_and_nothing_is_lost(
    fast_breakers, stopped_redis, admin_user
):
    """Sessions live in the database (SESSION_ENGINE is Django's default): signing in to the
    admin and saving work as usual with Redis down; nothing is lost."""
    stopped_redis.close()
    client = Client()
    signed_in = client.post("/admin/login/", {"username": "root@example.com", "password": PASSWORD})
    assert signed_in.status_code == 302, signed_in.content
    assert client.get("/admin/").status_code == 200
    api = APIClient()
    api.force_authenticate(admin_user)
    title = "Written while Redis was down"
    created = api.post(
        "/api/v1/articles/", {"title": "Written while Redis was down"}, format="json"
    )
    assert created.status_code == 201, created.content
    assert Article.objects.filter(title=title).count() == 1
