"""django-redis, with an outage logged once instead of once per cache operation.

The API keeps serving when Redis is down (IGNORE_EXCEPTIONS): every cache call fails fast
and falls through to the database. django-redis would log each of those failures with a
full traceback, thousands a minute under load, burying everything else. Here each process
logs the first failure as a warning, counts the rest (`folio_cache_errors_total` in
/metrics), and logs once more, with the count, when a call succeeds again.
"""

from __future__ import annotations

import logging
import threading
import time

from django_redis.cache import RedisCache
from django_redis.exceptions import ConnectionInterrupted
from prometheus_client import Counter

logger = logging.getLogger("folio.dependencies")
CACHE_ERRORS = Counter("folio_cache_errors_total", "Cache operations that failed (Redis down).")


class Outage:
    """Whether a dependency is down in this process, since when, and how often it failed."""

    def __init__(self, name: str):
        self.name = name
        self.down_since: float | None = None
        self.failures = 0
        self._lock = threading.Lock()

    def failed(self, error: BaseException) -> None:
        CACHE_ERRORS.inc()
        with self._lock:
            self.failures += 1
            if self.down_since is not None:
                return
            self.down_since = time.monotonic()
        logger.warning(
            "%s unreachable (%s: %s); serving without it, further failures are counted",
            self.name,
            type(error).__name__,
            error,
            extra={"dependency": self.name, "state": "down"},
        )

    def recovered(self) -> None:
        if self.down_since is None:  # the hot path: one attribute read
            return
        with self._lock:
            if self.down_since is None:
                return
            seconds, failures = time.monotonic() - self.down_since, self.failures
            self.down_since, self.failures = None, 0
        logger.warning(
            "%s reachable again after %.1f s; %d operation(s) failed meanwhile",
            self.name,
            seconds,
            failures,
            extra={"dependency": self.name, "state": "up", "failures": failures},
        )


class _WatchedClient:
    """The django-redis client, reporting each call's outcome to an Outage."""

    def __init__(self, client, outage: Outage):
        self._client = client
        self._outage = outage

    def __getattr__(self, name: str):
        attr = getattr(self._client, name)
        if not callable(attr):
            return attr

        def call(*args, **kwargs):
            try:
                result = attr(*args, **kwargs)
            except ConnectionInterrupted as exc:
                self._outage.failed(exc.__cause__ or exc)
                raise  # django-redis turns it into a miss (IGNORE_EXCEPTIONS)
            self._outage.recovered()
            return result

        return call


class QuietRedisCache(RedisCache):
    """RedisCache whose outages are logged once, then counted (see the module docstring)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._log_ignored_exceptions = False
        self.outage = Outage("Redis cache")
        self._watched = None

    @property
    def client(self):
        if self._watched is None:
            self._watched = _WatchedClient(super().client, self.outage)
        return self._watched
