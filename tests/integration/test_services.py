"""With DATABASE_URL, CACHE_URL and CELERY_BROKER_URL set, Folio really uses PostgreSQL
(through psycopg 3's pool), Redis (django-redis) and RabbitMQ, and /health/ready/ says so.
"""

from __future__ import annotations

import socket

import pytest

from config.celery import app as celery_app
from tests.integration.conftest import (
    BROKER_URL,
    DATABASE_URL,
    REDIS_URL,
    django_shell,
    production_env,
)

pytestmark = pytest.mark.integration

INSPECT = """
import json
from django.conf import settings
from django.core.cache import cache, caches
from django.db import connection
from django.test import RequestFactory
from config.celery import app
from core.health import ready

connection.ensure_connection()
cache.set("folio-ci", "pong", 10)
with app.connection_for_write() as conn:
    conn.ensure_connection(max_retries=1)
    transport = conn.transport.driver_type
response = ready(RequestFactory().get("/health/ready/"))
print("RESULT=" + json.dumps({
    "vendor": connection.vendor,
    "pool": type(connection.pool).__name__ if connection.pool else None,
    "health_checks": settings.DATABASES["default"]["CONN_HEALTH_CHECKS"],
    "cache": type(caches["default"]).__name__,
    "cache_roundtrip": cache.get("folio-ci"),
    "broker": transport,
    "ready_status": response.status_code,
    "ready": json.loads(response.content),
}))
"""


def test_production_settings_use_the_real_services(tmp_path):
    env = production_env(tmp_path, DATABASE_URL=DATABASE_URL, CACHE_URL=REDIS_URL)
    result = django_shell(INSPECT, env=env)

    assert result["vendor"] == "postgresql"
    # psycopg_pool's ConnectionPool, reporting refusals to the database's circuit breaker.
    assert result["pool"] == "WatchedPool"
    assert result["health_checks"] is True
    assert result["cache"] == "QuietRedisCache"  # django-redis, outages logged once
    assert result["cache_roundtrip"] == "pong"
    assert result["broker"] == "amqp"
    assert result["ready_status"] == 200
    assert result["ready"] == {
        "status": "ok",
        "checks": {name: {"status": "ok"} for name in ("database", "cache", "broker")},
        # Each dependency's circuit breaker (core.breakers), all closed.
        "breakers": [
            {"name": name, "state": "closed", "failures": 0, "optional": name != "database"}
            for name in ("broker", "cache", "database")
        ],
    }


@pytest.fixture
def broker():
    """Point this process's Celery app at another broker (the health check reads it per call)."""
    keys = ("broker_url", "broker_transport_options")
    saved = {key: celery_app.conf[key] for key in keys}

    def use(url: str) -> None:
        celery_app.conf.update(broker_url=url, broker_transport_options={})

    yield use
    celery_app.conf.update(saved)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.django_db
def test_ready_reports_the_broker_ok(client, broker):
    broker(BROKER_URL)
    response = client.get("/health/ready/")
    assert response.status_code == 200
    assert response.json()["checks"]["broker"] == {"status": "ok"}
    assert response.json()["status"] == "ok"


@pytest.mark.django_db
def test_ready_degrades_when_the_broker_is_down(client, broker):
    broker(f"amqp://guest:guest@127.0.0.1:{_closed_port()}//")
    response = client.get("/health/ready/")
    # The database is up, so the instance still serves traffic; the broker shows as failing.
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["database"] == {"status": "ok"}
    assert body["checks"]["broker"]["status"] == "error"
    assert body["checks"]["broker"]["detail"]
