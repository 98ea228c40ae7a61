"""Folio's own Prometheus metrics, counted where things happen (docs/operations.md,
"Metrics"). Counting is one `inc()` on a pre-bound child: no lookup by label on the hot path.

With PROMETHEUS_MULTIPROC_DIR set (gunicorn, several workers) prometheus_client keeps each
process's values in files there and /metrics adds them up (config.metrics); the gauge of
WebSocket connections is summed over live processes only. What is read from the database
at scrape time (outbox depth, overdue schedules) is in config.metrics, not here.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from prometheus_client import Counter, Gauge, Histogram

DELIVERY_CACHE = Counter(
    "folio_delivery_cache_requests_total",
    "Cacheable delivery requests by how they were answered: from this process's own tier "
    "(local_hit), from the shared cache (shared_hit), or built (miss).",
    ["result"],
)
DELIVERY_CACHE_LOCAL_HIT = DELIVERY_CACHE.labels("local_hit")
DELIVERY_CACHE_SHARED_HIT = DELIVERY_CACHE.labels("shared_hit")
DELIVERY_CACHE_MISS = DELIVERY_CACHE.labels("miss")

SNAPSHOT_REBUILD_LAG = Histogram(
    "folio_snapshot_rebuild_lag_seconds",
    "From a change to a referenced object (a category renamed, alt text edited) until the "
    "snapshots using it are rebuilt, i.e. current in the delivery API.",
    buckets=(0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900, 3600),
)

WEBHOOK_FAILURES = Counter(
    "folio_webhook_delivery_failures_total",
    "Webhook delivery attempts that failed (non-2xx, refused target, network error), by the "
    "endpoint's host.",
    ["host"],
)

WEBSOCKET_CONNECTIONS = Gauge(
    "folio_websocket_connections",
    "Open WebSocket connections (real time), by channel.",
    ["channel"],
    multiprocess_mode="livesum",
)


def webhook_failed(url: str) -> None:
    """Count a failed delivery attempt against the endpoint's host (never its path or query,
    which may carry secrets)."""
    WEBHOOK_FAILURES.labels(urlsplit(url).hostname or "unknown").inc()
