"""Admin sessions: in the database, read through the cache when the cache is Redis.

`cached_db` keeps every session in the database and serves reads from Redis. A Redis
restart or outage costs a cache miss, not everyone's sign-in (docs/operations.md,
"Outages and circuit breakers": the cache ignores errors, the database answers), and
the database rows are what "Sessions" lists and ends (accounts.UserSession points at
them). Pure `cache` sessions would be lost with Redis; plain `db` (the embedded default,
whose local-memory cache is per process) reads the database on every request.
"""

from __future__ import annotations

from .data import CACHES

SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if CACHES["default"]["BACKEND"] == "core.cache.QuietRedisCache"
    else "django.contrib.sessions.backends.db"
)
# How often a signed-in browser's "last seen" (and address) is written: at most once
# a minute per session, not on every request.
SESSION_ACTIVITY_SECONDS = 60
