"""Delivery's throttle: anonymous traffic counted per client, and traffic of API keys with a
rate of their own per key, mostly without a cache round trip (content.delivery.endpoint
applies it to every delivery endpoint)."""

from __future__ import annotations

from django.core.cache import cache
from rest_framework.exceptions import Throttled
from rest_framework.throttling import AnonRateThrottle

from accounts.key_limits import rate_limit_parse
from accounts.throttling import key_with_own_rate
from core.throttling import rate_limit_note


class DeliveryThrottle(AnonRateThrottle):
    """Anonymous delivery traffic, counted per client in fixed windows of the rate's period.

    DRF's own throttles keep a list of request times per client and rewrite it on every
    request, which costs more the higher the rate. Here each process counts requests
    locally and adds them to one shared counter per client and window every `flush_every`
    requests (and on a client's first request); the total that increment returns is what
    the process checks the budget against until the next one. A client may overshoot its
    budget by that many requests per process: 1% of the budget, at most MAX_UNSHARED.
    Most requests cost no cache round trip.
    """

    scope = "delivery_anon"
    MAX_UNSHARED = 50
    # By window key: requests this process counted and has not added to the shared
    # counter, and the shared total as of its last increment. Unlocked: a lost update
    # under threads only loosens a rate limit by a request.
    _pending: dict[str, int] = {}
    _shared: dict[str, int] = {}

    @classmethod
    def forget(cls) -> None:
        """Drop this process's counts (tests, between which the shared cache is cleared)."""
        cls._pending.clear()
        cls._shared.clear()

    def get_cache_key(self, request, view) -> str | None:
        """Per client address, unless an API key authenticated the request: then per key
        at the key's own rate, or not at all (DELIVERY_REQUIRE_KEY) for a key without one.
        Delivery has no session users: asking for one would read the session, and make
        every public response `Vary: Cookie`, which splits a CDN's cache per visitor."""
        if (key := key_with_own_rate(request)) is not None:
            self.rate = key.rate_limit
            self.num_requests, self.duration = rate_limit_parse(key.rate_limit)
            return self.cache_format % {"scope": "delivery_key", "ident": key.pk}
        if getattr(request, "auth", None) is not None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    @property
    def flush_every(self) -> int:
        return min(self.MAX_UNSHARED, max(1, self.num_requests // 100))

    def check(self, request) -> None:
        """Count this request, or refuse it once the window's budget is spent. Notes the
        budget for the RateLimit headers (core.throttling) from the counts at hand."""
        ident = self.get_cache_key(request, None) if self.rate else None
        if ident is None:
            return
        now = self.timer()
        key = f"{ident}:{int(now // self.duration)}"
        reset = self.duration - now % self.duration
        pending = self._pending.get(key, 0) + 1
        shared = self._shared.get(key)
        if (shared or 0) + pending > self.num_requests:
            rate_limit_note(request, self.num_requests, 0, reset)
            raise Throttled(reset)
        if shared is not None and pending < self.flush_every:
            self._pending[key] = pending
            rate_limit_note(request, self.num_requests, self.num_requests - shared - pending, reset)
            return
        if len(self._shared) > 10_000:  # mostly keys of windows that have ended
            self._pending.clear()
            self._shared.clear()
        self._pending[key] = 0
        self._shared[key] = total = self._add(key, pending)
        rate_limit_note(request, self.num_requests, self.num_requests - total, reset)

    def _add(self, key: str, count: int) -> int:
        """Add to the shared counter; the new total. Once the window's counter exists (all
        but its first count), that is one round trip. While the cache is down (its calls
        answer None), the total is this process's own: a per-process limit, not none."""
        try:
            total = cache.incr(key, count)
        except ValueError:  # the window's first count
            if cache.add(key, count, timeout=self.duration):
                return count
            total = cache.incr(key, count)  # another process added it meanwhile
        if total is None:  # Redis is down (django-redis IGNORE_EXCEPTIONS)
            return (self._shared.get(key) or 0) + count
        return total
