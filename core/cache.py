"""django-redis, with an outage logged once instead of once per cache operation.

The API keeps serving when Redis is down (IGNORE_EXCEPTIONS): every cache call fails fast
and falls through to the database. django-redis would log each of those failures with a
full traceback, thousands a minute under load, burying everything else. Here each process
reports to an Outage (core.outages): the first failure is logged as a warning, the rest
are counted, and one more line says when a call succeeds again.

Every call goes through the "cache" circuit breaker (core.breakers): once Redis has failed
CIRCUIT_BREAKER_FAIL_MAX calls in a row, calls are misses at once instead of each waiting
SOCKET_CONNECT_TIMEOUT, until a probe after the cool-down finds Redis back.
"""

from __future__ import annotations

from django_redis.cache import RedisCache
from django_redis.exceptions import ConnectionInterrupted

from core import breakers
from core.outages import Outage


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
                result = breakers.guarded(
                    breakers.breaker("cache"),
                    attr,
                    *args,
                    counts=(ConnectionInterrupted,),
                    **kwargs,
                )
            except ConnectionInterrupted as exc:
                self._outage.failed(exc.__cause__ or exc)
                raise  # django-redis turns it into a miss (IGNORE_EXCEPTIONS)
            except breakers.CircuitBreakerError as exc:
                # Open: not even tried. A miss too, without the connect timeout.
                self._outage.failed(exc)
                raise ConnectionInterrupted(connection=None) from exc
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
