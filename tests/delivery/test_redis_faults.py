"""Faults injected into a real, private redis-server: pausing it as a stalled host would."""

from __future__ import annotations

import logging

import pytest

from core.cache import QuietRedisCache
from core.outages import DEPENDENCY_ERRORS
from tests.redis_process import RedisProcess
from tests.waiting import wait_for

OPTIONS = {"SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2, "IGNORE_EXCEPTIONS": True}


@pytest.fixture
def redis_process():
    with RedisProcess() as process:
        yield process


def test_an_outage_is_logged_once_counted_and_its_end_logged_once(redis_process, caplog, settings):
    settings.CIRCUIT_BREAKER_RESET_SECONDS = 0.5
    cache = QuietRedisCache(redis_process.url, {"OPTIONS": OPTIONS})
    cache.set("greeting", "hello")
    errors_before = DEPENDENCY_ERRORS.labels("Redis cache")._value.get()
    redis_process.pause()
    with caplog.at_level(logging.INFO):
        for _ in range(12):
            assert cache.get("greeting") is None  # a miss, never an exception
        cache.set("other", 1)
        redis_process.resume()
        assert wait_for(lambda: cache.get("greeting")) == "hello"
    records = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.name for r in records] == ["folio.dependencies"] * 3
    down, opened, up = records
    # After CIRCUIT_BREAKER_FAIL_MAX failures the cache's breaker opened: calls fail fast.
    assert opened.getMessage() == "circuit breaker cache: closed -> open"
    assert "Redis cache unreachable" in down.getMessage()
    assert down.state == "down"
    assert "reachable again" in up.getMessage()
    assert up.failures >= 13
    assert not any(r.exc_info for r in caplog.records)
    assert DEPENDENCY_ERRORS.labels("Redis cache")._value.get() - errors_before == up.failures
