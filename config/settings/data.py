"""Data: the database and the cache, each from one URL (SQLite and the local-memory cache
when unset). base.py takes them (`from .data import *`); production.py builds its
DATABASES with the same `tuned_database`."""

from __future__ import annotations

from .environment import VAR_DIR, env

# --- Data ------------------------------------------------------------------------------


def tuned_database(config: dict) -> dict:
    """Add the per-engine options Folio relies on to a parsed DATABASE_URL."""
    options = config.setdefault("OPTIONS", {})
    if config["ENGINE"] == "django.db.backends.postgresql":
        config["ENGINE"] = "core.postgresql"  # Django's, with faster timestamps
        # psycopg 3's pool keeps connections warm; health checks drop dead ones.
        options["pool"] = {
            "min_size": env.int("DB_POOL_MIN_SIZE", default=2),
            "max_size": env.int("DB_POOL_MAX_SIZE", default=10),
            "timeout": env.int("DB_POOL_TIMEOUT", default=10),
        }
        options.setdefault("connect_timeout", 5)
        # Parameters sent apart from the SQL (the extended protocol) rather than quoted into
        # it: PostgreSQL spends half the CPU on a delivery list query (57 µs against 120).
        # Statements stay unnamed and unprepared (Django's default prepare_threshold), so
        # each is planned for its own values, and PgBouncer in transaction mode still works.
        options.setdefault("server_side_binding", env.bool("DB_SERVER_SIDE_BINDING", default=True))
        config["CONN_HEALTH_CHECKS"] = True
    elif config["ENGINE"] == "django.db.backends.sqlite3":
        # Opening SQLite (and setting its pragmas) per request costs more than most queries.
        config.setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=600))
        # WAL lets the web process and the Celery worker share the file without locking out.
        options.update(
            init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            transaction_mode="IMMEDIATE",
            timeout=20,
        )
    return config


# A blank DATABASE_URL means the embedded default, as an unset one does.
DATABASES = {
    "default": tuned_database(
        env.db_url_config(
            env.str("DATABASE_URL", default="").strip() or f"sqlite:///{VAR_DIR / 'folio.sqlite3'}"
        )
    )
}
# PostgreSQL's pool checks a connection's socket at checkout instead of pinging it
# (core.postgresql), in a pool built the way Django builds its own; false keeps Django's
# pool and ping, as a Django upgrade that changes how it builds the pool may need.
DB_POOL_SOCKET_CHECK = env.bool("DB_POOL_SOCKET_CHECK", default=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

_cache_url = env.str("CACHE_URL", default="").strip() or env.str("REDIS_URL", default="").strip()
if _cache_url.startswith(("redis://", "rediss://")):
    CACHES = {
        "default": {
            # django-redis, logging an outage once and counting the failures (core.cache).
            "BACKEND": "core.cache.QuietRedisCache",
            "LOCATION": _cache_url,
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
                # A cache outage must never take the API down: misses fall through to the DB.
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
elif _cache_url:
    CACHES = {"default": env.cache_url_config(_cache_url)}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Presence (who has an item's change form open: content.services.presence) is written and
# read by the web process and by the ASGI process (the editors' WebSocket), so it needs a
# cache they share: the default cache when it is shared; under the embedded default (the
# local-memory cache, one per process) files under var/. PRESENCE_CACHE_URL picks another.
_presence_url = env.str("PRESENCE_CACHE_URL", default="").strip()
if _presence_url:
    CACHES["presence"] = env.cache_url_config(_presence_url)
elif CACHES["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache":
    CACHES["presence"] = {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "presence"),
    }
else:
    CACHES["presence"] = CACHES["default"]
