"""Throttles that keep limiting while the shared cache is down.

DRF's throttles keep their counts in the default cache. With Redis down that cache answers
every read with a miss (IGNORE_EXCEPTIONS), so every client would be let through. While the
cache's circuit breaker is open (core.breakers), `FallbackCache` counts in this process
instead: each process enforces the whole rate on its own, a looser limit (one per worker)
but still a limit. Once a probe finds Redis back, counting returns to it.
"""

from __future__ import annotations

from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache

from core import breakers


class FallbackCache:
    """The default cache, or this process's own while the cache's breaker is open."""

    def __init__(self):
        self.local = LocMemCache("folio-throttle-fallback", {"OPTIONS": {"MAX_ENTRIES": 10_000}})

    def current(self):
        return self.local if breakers.is_open("cache") else caches["default"]

    def get(self, key, default=None):
        return self.current().get(key, default)

    def set(self, key, value, timeout=None):
        return self.current().set(key, value, timeout)

    def add(self, key, value, timeout=None):
        return self.current().add(key, value, timeout)

    def incr(self, key, delta=1):
        return self.current().incr(key, delta)


throttle_cache = FallbackCache()


def install() -> None:
    """Have every DRF throttle (SimpleRateThrottle and its subclasses: the default classes,
    the login and reset scopes) count through `throttle_cache`; DRF reads the cache from
    this class attribute."""
    from rest_framework.throttling import SimpleRateThrottle

    SimpleRateThrottle.cache = throttle_cache
