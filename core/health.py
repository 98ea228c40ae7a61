"""Liveness and readiness probes.

Readiness answers fast whatever is down: a dependency whose circuit breaker is open
(core.breakers) is reported without being called, and the database is waited on for a
connection no longer than DB_POOL_TIMEOUT_DEGRADED once it has refused one.
"""

from __future__ import annotations

import logging

# Folio's app (config.celery), current once Django's settings load config: core cannot
# import config, which sits above every app.
from celery import current_app as celery_app
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from core import breakers

logger = logging.getLogger(__name__)


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _check_cache() -> None:
    cache.set("health:ping", "pong", 5)
    if cache.get("health:ping") != "pong":
        raise RuntimeError("cache did not return what was written")


def _check_broker() -> None:
    def connect() -> None:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=settings.HEALTH_BROKER_TIMEOUT)

    # Through the breaker the outbox sends through (outbox.services), so each tells the other.
    breakers.guarded(breakers.breaker("broker"), connect)


CHECKS = {"database": _check_database, "cache": _check_cache, "broker": _check_broker}
# The breaker each check's dependency sits behind (core.breakers).
BREAKERS = {"database": "database", "cache": "cache", "broker": "broker"}


@never_cache
def live(request):
    """The process is up."""
    return JsonResponse({"status": "ok"})


@never_cache
def ready(request):
    """Can serve traffic: 503 when the database is down; cache or broker trouble degrades."""
    results = {}
    for name, check in CHECKS.items():
        if breakers.is_open(BREAKERS[name]):
            results[name] = {"status": "error", "detail": "circuit breaker open"}
            continue
        try:
            check()
            results[name] = {"status": "ok"}
        except Exception as exc:
            logger.warning("readiness check %s failed: %s", name, exc)
            results[name] = {"status": "error", "detail": str(exc)[:200]}
    states = breakers.snapshot()
    optional_open = any(b["optional"] and b["state"] != "closed" for b in states)
    if results["database"]["status"] != "ok":
        status, code = "unavailable", 503
    elif optional_open or any(r["status"] != "ok" for r in results.values()):
        status, code = "degraded", 200
    else:
        status, code = "ok", 200
    body = {"status": status, "checks": results, "breakers": states}
    response = JsonResponse(body, status=code)
    if code == 503:
        response["Retry-After"] = str(settings.OUTAGE_RETRY_AFTER)
    return response
