"""Throttles that keep limiting while the shared cache is down, and tell clients their budget.

DRF's throttles keep their counts in the default cache. With Redis down that cache answers
every read with a miss (IGNORE_EXCEPTIONS), so every client would be let through. While the
cache's circuit breaker is open (core.breakers), `FallbackCache` counts in this process
instead: each process enforces the whole rate on its own, a looser limit (one per worker)
but still a limit. Once a probe finds Redis back, counting returns to it.
"""

from __future__ import annotations

import math

from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.utils.deprecation import MiddlewareMixin
from rest_framework import throttling

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
    throttling.SimpleRateThrottle.cache = throttle_cache


# --- RateLimit headers ----------------------------------------------------------------
# The IETF draft's names (draft-ietf-httpapi-ratelimit-headers): the budget, what is left of
# it, and the seconds until the window frees a request. Throttles note their state on the
# request as they count it; the middleware writes the most restrictive one to the response.

_NOTED = "folio_rate_limit"


def rate_limit_note(request, limit: int, remaining: float, reset: float) -> None:
    """Keep this throttle's state for the response's headers, if it is the tightest yet
    (least remaining, then the longest wait)."""
    http_request = getattr(request, "_request", request)  # DRF's Request wraps Django's
    state = (int(limit), max(0, int(remaining)), max(0, math.ceil(reset)))
    noted = getattr(http_request, _NOTED, None)
    if noted is None or (state[1], -state[2]) < (noted[1], -noted[2]):
        setattr(http_request, _NOTED, state)


class RateLimitHeadersMixin:
    """A SimpleRateThrottle that notes its state for the RateLimit headers, from the history
    `allow_request` has just read and written: no cache round trip of its own."""

    def allow_request(self, request, view) -> bool:
        allowed = super().allow_request(request, view)  # type: ignore[misc]
        if self.rate is not None and getattr(self, "key", None) is not None:
            history, duration = self.history, self.duration
            oldest = history[-1] if history else self.now
            rate_limit_note(
                request,
                self.num_requests,
                self.num_requests - len(history),
                duration - (self.now - oldest),
            )
        return allowed


class AnonRateThrottle(RateLimitHeadersMixin, throttling.AnonRateThrottle):
    """Anonymous requests per client address (the API's default), with RateLimit headers."""


class UserRateThrottle(RateLimitHeadersMixin, throttling.UserRateThrottle):
    """Authenticated requests per user (the API's default), with RateLimit headers."""


class ScopedRateThrottle(RateLimitHeadersMixin, throttling.ScopedRateThrottle):
    """A view's `throttle_scope` (login, refresh, password reset), with RateLimit headers."""


def _shared_cacheable(response) -> bool:
    cache_control = response.get("Cache-Control", "")
    return "public" in cache_control or "s-maxage" in cache_control


class RateLimitHeadersMiddleware(MiddlewareMixin):
    """Send the RateLimit headers of the throttle a request was counted against.

    Not on a response a shared cache may keep (public delivery responses: a CDN would show
    one client's budget to every other), except a 429, which no cache keeps.
    """

    def process_response(self, request, response):
        noted = getattr(request, _NOTED, None)
        if noted is not None and (response.status_code == 429 or not _shared_cacheable(response)):
            limit, remaining, reset = noted
            response["RateLimit-Limit"] = str(limit)
            response["RateLimit-Remaining"] = str(remaining)
            response["RateLimit-Reset"] = str(reset)
        return response
