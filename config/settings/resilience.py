"""Resilience: circuit breakers, the database outage behaviour and timeouts (core.breakers,
docs/operations.md "Outages and circuit breakers"). base.py takes it whole."""

from __future__ import annotations

from .environment import env

# A breaker opens after this many consecutive failures of its dependency, fails fast for
# the cool-down, then lets one probe through (half-open).
CIRCUIT_BREAKER_FAIL_MAX = env.int("CIRCUIT_BREAKER_FAIL_MAX", default=5)
CIRCUIT_BREAKER_RESET_SECONDS = env.float("CIRCUIT_BREAKER_RESET_SECONDS", default=10.0)
# While the database breaker has seen a failure, a request waits at most this long for a
# pooled connection (DB_POOL_TIMEOUT otherwise): an unreachable server is found out fast.
DB_POOL_TIMEOUT_DEGRADED = env.float("DB_POOL_TIMEOUT_DEGRADED", default=1.0)
# PostgreSQL statement timeout for every statement of this process (0: none). Set it on the
# web processes; migrations and long commands run with DB_STATEMENT_TIMEOUT_MS=0.
DB_STATEMENT_TIMEOUT_MS = env.int("DB_STATEMENT_TIMEOUT_MS", default=0)
# What a 503 for an unavailable dependency tells clients to wait (Retry-After, seconds).
OUTAGE_RETRY_AFTER = env.int("OUTAGE_RETRY_AFTER", default=10)
# Delivery keeps a second copy of each cached response this long, read only when the
# database is unreachable (stale-if-error); responses advertise the same figure.
DELIVERY_STALE_SECONDS = env.int("DELIVERY_STALE_SECONDS", default=24 * 60 * 60)
# A Redis broker's connect timeout (kombu's redis transport has none by default; AMQP's is
# CELERY_BROKER_CONNECTION_TIMEOUT). base.py's filesystem broker sets its own options.
if env.str("CELERY_BROKER_URL", default="").startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "socket_connect_timeout": env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=4.0)
    }
