"""Django's PostgreSQL backend, with two costs of every request taken out.

- **Timestamps.** Django registers a subclass of psycopg's pure-Python `timestamptz`
  loader, so that it can set the time zone it wants; that parses every timestamp in Python
  (about 6 µs each here: a third of a 20-item delivery list's database time). On a UTC
  session, which is what Django opens with USE_TZ, psycopg's own loader (compiled, with
  psycopg[binary]) already returns UTC-aware datetimes, so this backend puts it back on
  every cursor. In another time zone nothing changes.
- **The pool's health check.** With CONN_HEALTH_CHECKS, Django has psycopg_pool ping each
  connection it hands out: a round trip before every request's first query (a sixth of an
  uncached delivery list under load). This backend's pool checks the socket instead, and
  pings only a connection the server has spoken on since it was returned (see
  `check_idle_connection`). That pool is built as Django builds its own, which is Django's
  internal business: DB_POOL_SOCKET_CHECK=false leaves the pool to Django, ping and all.
- **Outages.** Opening a connection goes through the database circuit breaker
  (core.breakers): once the server has refused CIRCUIT_BREAKER_FAIL_MAX times, requests
  fail at once with an OperationalError (answered 503, core.exceptions) instead of each
  waiting DB_POOL_TIMEOUT for the pool. While failures are being seen the pool is waited on
  for DB_POOL_TIMEOUT_DEGRADED only. The half-open probe starts a fresh pool, so the
  process reconnects as soon as the server is back rather than when the old pool's
  reconnect backoff ends. DB_STATEMENT_TIMEOUT_MS becomes the server's statement_timeout.
- **Flush.** The audit log's trigger refuses TRUNCATE (governance migration 0011).
  `manage.py flush` and the test runner's teardown wipe every table on purpose, so their
  TRUNCATE says so first, in a setting that lasts only for its transaction.
"""

from __future__ import annotations

import datetime
import select
import time

import psycopg
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS
from django.db.backends.base.base import NO_DB_ALIAS
from django.db.backends.postgresql import base, operations
from psycopg import adapters
from psycopg.pq import Format
from psycopg_pool import ConnectionPool, PoolTimeout

from core import breakers

TIMESTAMPTZ_OID = adapters.types["timestamptz"].oid
FAST_LOADER = adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)


def check_idle_connection(conn) -> None:
    """psycopg_pool's check at checkout, without its round trip.

    A connection resting in the pool has nothing to read: its socket turns readable only
    when the server sends something unasked, which is how it says goodbye (a restart, a
    terminated backend) before it closes. Only then is the connection pinged, and the pool
    drops it if the ping fails. A closed connection has no socket, and raises here.
    """
    if select.select([conn.fileno()], [], [], 0)[0]:
        ConnectionPool.check_connection(conn)


BREAKER = "database"


class WatchedPool(ConnectionPool):
    """psycopg_pool's pool, reporting the server's refusals to the database breaker."""

    # The primary's breaker; a read replica's pool reports to its own (core.replicas: a dead
    # replica must not make the primary look dead, its reads fall back there).
    breaker_name = BREAKER

    def _connect(self, timeout: float | None = None):
        # psycopg_pool's own (private) connect, which its background workers call: the
        # first sign that the server is gone, before any request's wait runs out.
        try:
            return super()._connect(timeout)
        except psycopg.OperationalError as exc:
            breakers.record_failure(self.breaker_name, exc)
            raise

    # Connections handed out and not yet returned: the probe replaces the pool only at 0.
    lent = 0

    def putconn(self, conn) -> None:
        self.lent -= 1
        super().putconn(conn)

    def getconn(self, timeout: float | None = None):
        """Wait for a connection as psycopg_pool does, but no longer than
        DB_POOL_TIMEOUT_DEGRADED once the breaker has seen the server refuse (perhaps
        while this wait was on): a busy pool is waited on, a dead server is not."""
        guard = breakers.breaker(self.breaker_name)
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        while True:
            if guard.fail_counter or guard.current_state != "closed":
                deadline = min(deadline, time.monotonic() + settings.DB_POOL_TIMEOUT_DEGRADED)
            remaining = deadline - time.monotonic()
            try:
                # In slices, to notice a failure the pool's own reconnects report.
                conn = super().getconn(max(0.0, min(remaining, 0.5)))
            except PoolTimeout:
                if remaining <= 0.5:
                    raise
            else:
                self.lent += 1  # under the GIL; a lost update only delays a probe's refresh
                return conn


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        statements = super().sql_flush(
            style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
        if not statements:
            return statements
        return ["SET LOCAL folio.audit_truncate = 'allow'", *statements]


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations

    @property
    def breaker_name(self) -> str:
        """The primary's breaker is "database"; each read replica has one of its own."""
        return BREAKER if self.alias == DEFAULT_DB_ALIAS else f"{BREAKER}:{self.alias}"

    def get_connection_params(self):
        params = super().get_connection_params()
        if (timeout := settings.DB_STATEMENT_TIMEOUT_MS) > 0:
            # Sent at connect: no round trip per request, whatever the pool does.
            options = params.get("options", "")
            params["options"] = f"{options} -c statement_timeout={int(timeout)}".strip()
        return params

    def get_new_connection(self, conn_params):
        """Django's, through the database breaker: fail fast while it is open."""
        try:
            return breakers.guarded(
                breakers.breaker(self.breaker_name),
                self._connect_or_probe,
                conn_params,
                counts=(psycopg.OperationalError,),
            )
        except breakers.CircuitBreakerError as exc:
            # Django wraps psycopg's errors as django.db.OperationalError: one kind to catch.
            raise psycopg.OperationalError(f"database unavailable ({exc})") from exc

    def _connect_or_probe(self, conn_params):
        if breakers.breaker(self.breaker_name).current_state != "half-open":
            return super().get_new_connection(conn_params)
        # The probe after a cool-down (one thread at a time: pybreaker holds its lock),
        # with a fresh pool: the old one may sleep in its reconnect backoff for minutes.
        # Not while another thread still holds one of its connections: returning it to a
        # new pool would fail.
        pool = self._connection_pools.get(self.alias)
        if pool is not None and not getattr(pool, "lent", 0):
            self.close_pool()
        return super().get_new_connection(conn_params)

    def create_cursor(self, name=None):
        cursor = super().create_cursor(name)
        if self.timezone == datetime.UTC:
            cursor.adapters.register_loader(TIMESTAMPTZ_OID, FAST_LOADER)
        return cursor

    @property
    def pool(self):
        """Django's pool (see its `pool`), with `check_idle_connection` as the check; Django's
        own with DB_POOL_SOCKET_CHECK off."""
        options = self.settings_dict["OPTIONS"].get("pool")
        checked = self.settings_dict["CONN_HEALTH_CHECKS"] and settings.DB_POOL_SOCKET_CHECK
        if self.alias == NO_DB_ALIAS or not (options and checked):
            return super().pool
        if self.alias not in self._connection_pools:
            if self.settings_dict.get("CONN_MAX_AGE", 0) != 0:
                raise ImproperlyConfigured("Pooling doesn't support persistent connections.")
            pool = WatchedPool(
                kwargs={**self.get_connection_params(), "autocommit": True},
                open=False,  # opened on first use, as Django does
                configure=self._configure_connection,
                check=check_idle_connection,
                **({} if options is True else options),
            )
            pool.breaker_name = self.breaker_name
            self._connection_pools.setdefault(self.alias, pool)
        return self._connection_pools[self.alias]
