"""Request metrics (core.request_metrics): queued and flushed, they read as
django-prometheus' own would: on /metrics at once for this process, and soon after for a
process that went quiet."""

from __future__ import annotations

import time

import pytest
from django.test import Client
from prometheus_client import REGISTRY

from core import request_metrics
from tests.core.test_metrics import scrape, value

pytestmark = pytest.mark.django_db
VIEW = "health-live"


def _seen(families) -> dict[str, float]:
    latency = "django_http_requests_latency_seconds_by_view_method"
    labels = {"view": VIEW, "method": "GET"}

    def sample(name, family=None, **extra):
        wanted = {**labels, **extra}
        samples = families.get(family or name, [])
        found = [s.value for s in samples if s.name == name and s.labels == wanted]
        return found[0] if found else 0.0  # before the first request, no series yet

    return {
        "latency count": sample(f"{latency}_count", latency),
        "latency +Inf": sample(f"{latency}_bucket", latency, le="+Inf"),
        "latency sum": sample(f"{latency}_sum", latency),
        "answered 200": sample(
            "django_http_responses_total_by_status_view_method_total",
            "django_http_responses_total_by_status_view_method",
            status="200",
        ),
    }


def test_each_request_shows_on_the_next_scrape():
    before = _seen(scrape())
    for _ in range(3):
        assert Client().get("/health/live/").status_code == 200
    after = _seen(scrape())
    assert after["latency count"] == before["latency count"] + 3
    assert after["latency +Inf"] == after["latency count"]  # buckets add up to the count
    assert after["latency sum"] > before["latency sum"]
    assert after["answered 200"] == before["answered 200"] + 3


def test_requests_by_method_count_every_request():
    def got(families):
        name = "django_http_requests_total_by_method"
        return value(families, f"{name}_total", name, method="GET")

    before = got(scrape())
    Client().get("/health/live/")
    Client().get("/api/v1/delivery/articles/")
    # The scrape before this one counts too: it was a GET through the same stack.
    assert got(scrape()) == before + 3


def test_a_quiet_process_still_hands_over_its_last_requests():
    """No scrape and no later request flushes them: the process's own thread does."""
    name = "django_http_responses_total_by_status_view_method_total"
    labels = {"status": "200", "view": VIEW, "method": "GET"}

    def counted() -> float:
        return REGISTRY.get_sample_value(name, labels) or 0.0

    request_metrics.flush()
    before = counted()
    Client().get("/health/live/")
    deadline = time.monotonic() + 30  # generous on a busy machine: it waits on the count
    while counted() < before + 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert counted() == before + 1
