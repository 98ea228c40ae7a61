"""Fixtures shared by every app's tests."""

from __future__ import annotations

import pytest
from django.core.cache import cache, caches
from rest_framework.test import APIClient

from content.delivery import local, locales, paging
from content.delivery.throttling import DeliveryThrottle
from content.runtime import registry
from core import breakers
from core.throttling import throttle_cache


def _cache_clear() -> None:
    """Empty this test process's cache and nothing more.

    django-redis's clear() flushes the whole Redis database, which the xdist workers of a
    CACHE_URL run share: it would reset another worker's throttle counters mid-test. Its
    delete_pattern() is scoped to this worker's KEY_PREFIX (config/settings/test.py). The
    local-memory cache belongs to the process already, so clear() is the same thing.
    """
    for each in (cache, caches["presence"]):
        delete_pattern = getattr(each, "delete_pattern", None)
        if delete_pattern is None:
            each.clear()
        else:
            delete_pattern("*")


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle counters and cached responses live in the cache, and in this process's
    own tier of it; no test inherits another's."""

    def forget() -> None:
        _cache_clear()
        local.clear()
        paging.clear()  # page maps are per content version, which tests roll back
        locales.forget()
        DeliveryThrottle.forget()
        # Circuit breakers and the throttles' fallback counts are per process too.
        breakers.reset_all()
        throttle_cache.local.clear()

    forget()
    yield
    forget()


@pytest.fixture(autouse=True)
def _no_runtime_types():
    """The runtime types a test defined roll back with its transaction: forget them (and
    the content types Django cached for them: content.runtime.registry.forget)."""
    yield
    registry.forget()


@pytest.fixture
def api_client() -> APIClient:
    """An anonymous DRF test client; authenticate with `credentials(HTTP_AUTHORIZATION=...)`."""
    return APIClient()
