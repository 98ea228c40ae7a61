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
- **Flush.** The audit log's trigger refuses TRUNCATE (governance migration 0011).
  `manage.py flush` and the test runner's teardown wipe every table on purpose, so their
  TRUNCATE says so first, in a setting that lasts only for its transaction.
"""

from __future__ import annotations

import datetime
import select

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.backends.base.base import NO_DB_ALIAS
from django.db.backends.postgresql import base, operations
from psycopg import adapters
from psycopg.pq import Format
from psycopg_pool import ConnectionPool

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
            pool = ConnectionPool(
                kwargs={**self.get_connection_params(), "autocommit": True},
                open=False,  # opened on first use, as Django does
                configure=self._configure_connection,
                check=check_idle_connection,
                **({} if options is True else options),
            )
            self._connection_pools.setdefault(self.alias, pool)
        return self._connection_pools[self.alias]
