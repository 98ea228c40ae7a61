"""The test cache is this process's own: under xdist each worker has its KEY_PREFIX, and
clearing it between tests leaves the other workers' keys (their throttle counters) alone."""

from __future__ import annotations

import os

import pytest
from django.conf import settings
from django.core.cache import cache, caches

from tests.conftest import _cache_clear


def test_each_worker_has_its_own_key_prefix():
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    assert settings.CACHES["default"]["KEY_PREFIX"] == f"folio-test-{worker}"


def test_clearing_leaves_another_workers_keys():
    if not hasattr(cache, "delete_pattern"):
        pytest.skip("a local-memory cache is the process's own already")
    params = {**settings.CACHES["default"], "KEY_PREFIX": "folio-test-another"}
    del params["BACKEND"]
    other = type(caches["default"])(params.pop("LOCATION"), params)  # another worker's
    other.set("counter", 7)
    cache.set("counter", 1)
    try:
        _cache_clear()
        assert cache.get("counter") is None
        assert other.get("counter") == 7
    finally:
        other.delete("counter")
