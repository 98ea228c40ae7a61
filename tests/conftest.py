"""Fixtures shared by every app's tests."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from content.delivery import local, locales
from content.delivery.throttling import DeliveryThrottle


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle counters and cached responses live in the cache, and in this process's
    own tier of it; no test inherits another's."""

    def forget() -> None:
        cache.clear()
        local.clear()
        locales.forget()
        DeliveryThrottle.forget()

    forget()
    yield
    forget()


@pytest.fixture
def api_client() -> APIClient:
    """An anonymous DRF test client; authenticate with `credentials(HTTP_AUTHORIZATION=...)`."""
    return APIClient()
