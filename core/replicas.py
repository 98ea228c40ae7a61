"""Read replicas: which database a read goes to (config/settings/replicas.py).

Reads go to the primary unless the request being served said otherwise: the middleware
(core.replica_middleware) picks a replica for a public delivery read from a client that has
not just written, and the router below sends that request's reads there. Everything else,
tasks, the admin, the management API, any read inside a transaction or after a write in
the same request, reads the primary, so nothing but public delivery can see a replica's lag.

Why not django-multidb-router or django-replicated: both send every read to a replica
unless pinned, and neither falls back when a replica is down; the second is unmaintained.
Folio needs the opposite default (only delivery opts in) and a per-request choice that the
delivery cache's version lease can follow (content.delivery.local).
"""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

logger = logging.getLogger(__name__)

REPLICA_PREFIX = "replica_"

# The replica the current request reads from; None reads the primary.
_read_alias: ContextVar[str | None] = ContextVar("folio_read_alias", default=None)
# Replicas that failed to answer, until when they are skipped (per process).
_down_until: dict[str, float] = {}
_turn = itertools.count()


_configured: dict[str, tuple[str, ...] | frozenset[str]] = {}


def replica_aliases() -> tuple[str, ...]:
    """The configured replicas' aliases (settings are fixed once the process runs)."""
    if "aliases" not in _configured:
        _configured["aliases"] = tuple(
            alias for alias in settings.DATABASES if alias.startswith(REPLICA_PREFIX)
        )
    return _configured["aliases"]


def _primary_apps() -> frozenset[str]:
    if "primary_apps" not in _configured:
        _configured["primary_apps"] = frozenset(settings.DATABASE_REPLICA_PRIMARY_APPS)
    return _configured["primary_apps"]


def replica_choose() -> str | None:
    """A replica that is not known to be down, taking turns; None when there is none."""
    aliases = replica_aliases()
    if not aliases:
        return None
    now = time.monotonic()
    start = next(_turn)
    for offset in range(len(aliases)):
        alias = aliases[(start + offset) % len(aliases)]
        if _down_until.get(alias, 0.0) <= now:
            return alias
    return None


def replica_mark_down(alias: str, error: Exception) -> None:
    """Skip `alias` for DATABASE_REPLICA_RETRY_SECONDS: it did not answer."""
    _down_until[alias] = time.monotonic() + settings.DATABASE_REPLICA_RETRY_SECONDS
    logger.warning(
        "Read replica %s is unreachable; reading the primary for %ss: %s",
        alias,
        settings.DATABASE_REPLICA_RETRY_SECONDS,
        error,
    )


def read_alias() -> str:
    """The database the current request reads from (the delivery cache keys its version
    lease by it: a replica's version must never label the primary's data, nor the reverse)."""
    return _read_alias.get() or DEFAULT_DB_ALIAS


@contextmanager
def reading_from(alias: str | None) -> Iterator[None]:
    """Route this block's reads to `alias` (None: the primary)."""
    token = _read_alias.set(alias)
    try:
        yield
    finally:
        _read_alias.reset(token)


def reset() -> None:
    """Forget which replicas were down and the configured aliases (tests)."""
    _down_until.clear()
    _configured.clear()


class ReplicaRouter:
    """Sends a request's reads to the replica it was given, unless they must see the
    primary: inside a transaction, after a write, or of accounts and sessions."""

    def db_for_read(self, model, **hints) -> str | None:
        alias = _read_alias.get()
        if alias is None or model._meta.app_label in _primary_apps():
            return None
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return None
        replica = connections[alias]
        if replica.connection is None:  # the request's first read there: does it answer?
            try:
                replica.ensure_connection()
            except DatabaseError as exc:
                replica_mark_down(alias, exc)
                _read_alias.set(None)  # the rest of this request reads the primary
                return None
        return alias

    def db_for_write(self, model, **hints) -> None:
        # Whatever this request reads next must see what it wrote: the primary from now on.
        if _read_alias.get() is not None:
            _read_alias.set(None)
        return None

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # the replicas hold the primary's rows

    def allow_migrate(self, db, app_label, **hints) -> bool | None:
        # A hot standby is read-only: only the primary is migrated.
        return False if db.startswith(REPLICA_PREFIX) else None
