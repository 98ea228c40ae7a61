"""The process's own tier of the delivery response cache, in front of the shared one.

A cache hit in Redis still costs a network round trip, as much as the rest of the
request on a small machine. So each process keeps its recent responses in memory and
trusts the content version it last read from the database for up to
DELIVERY_LOCAL_CACHE_SECONDS: within that lease a repeated request is answered without
leaving the process, and the version is read again at most once per lease. A publish
in this process renews the lease with the new version at once; a publish elsewhere is
seen here when the lease runs out (a second by default, well inside the Cache-Control
max-age clients are already told to accept). Set the setting to 0 to read the version on
every request.

With read replicas (core.replicas) each database has its own lease: a version read from
the primary must never label a response built from a replica that has not caught up yet.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings

from core.replicas import read_alias

# The lease per database read: the content version, until when it is trusted, and when the
# first served item expires (its responses must not outlive it).
_leases: dict[str, dict[str, Any]] = {}
# Responses by cache key: (content version, response, when it was kept).
_responses: dict[str, tuple[int, Any, float]] = {}


def version() -> int | None:
    """The content version while the lease holds, else None (read the shared cache)."""
    lease = _leases.get(read_alias())
    if lease is None:
        return None
    now = time.time()
    expiry = lease["expiry"]
    if now >= lease["until"] or (expiry is not None and now >= expiry):
        return None
    return lease["version"]


def renew(version: int, expiry: float | None) -> None:
    """Trust `version` for another lease period (nothing, if leases are off)."""
    seconds = settings.DELIVERY_LOCAL_CACHE_SECONDS
    if seconds > 0:
        _leases[read_alias()] = {
            "version": version,
            "until": time.time() + seconds,
            "expiry": expiry,
        }


def get(key: str, version: int) -> Any | None:
    entry = _responses.get(key)
    return entry[1] if entry and entry[0] == version else None


def put(key: str, version: int, ready: Any) -> None:
    if settings.DELIVERY_LOCAL_CACHE_SECONDS <= 0:
        return
    if len(_responses) >= settings.DELIVERY_LOCAL_CACHE_ENTRIES:
        # Emptied rather than ordered: hot responses come straight back from Redis.
        _responses.clear()
    _responses[key] = (version, ready, time.time())


def latest(key: str) -> tuple[float, Any] | None:
    """(when it was kept, response) whatever its version: only for a database outage
    (content.delivery.stale), when no version can be read."""
    entry = _responses.get(key)
    return (entry[2], entry[1]) if entry else None


def clear() -> None:
    """Forget the lease and every response (tests; a process that must re-read)."""
    _leases.clear()
    _responses.clear()
