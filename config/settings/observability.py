"""Observability: who may read /metrics, and what counts as overdue (docs/operations.md,
"Metrics"). Tracing is configured by the standard OTEL_* variables alone (core.tracing).
base.py takes these (`from .observability import *`)."""

from __future__ import annotations

from .environment import env

# /metrics answers a request that sends `Authorization: Bearer <METRICS_TOKEN>`, or comes
# from an address in METRICS_ALLOWED_IPS (CIDRs; the client address as core.client_address
# resolves it). By default only this machine may: `make run` and a sidecar can scrape, the
# world cannot. Set the token (or the scrapers' networks) wherever Prometheus is elsewhere.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=["127.0.0.1/32", "::1/128"])
# A scheduled publish or expiry still pending this long after it was due is overdue (the
# scheduler runs every minute; one missed run is not yet worth an alert).
METRICS_SCHEDULE_GRACE_SECONDS = env.int("METRICS_SCHEDULE_GRACE_SECONDS", default=120)
