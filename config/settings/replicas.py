"""Running on many machines (docs/operations.md): read replicas and the beat leader.

DATABASE_REPLICA_URLS lists PostgreSQL hot standbys, comma-separated. Each becomes
DATABASES["replica_<n>"], tuned as the primary is (data.tuned_database). Only public delivery
reads go to them (core.replicas), and a client that has just written reads the primary for
DATABASE_REPLICA_PIN_SECONDS, so it sees its own change. base.py takes these whole;
production.py adds REPLICA_DATABASES to the DATABASES it builds.
"""

from __future__ import annotations

from .data import DATABASES, tuned_database
from .environment import env

DATABASE_REPLICA_URLS = [
    url.strip() for url in env.list("DATABASE_REPLICA_URLS", default=[]) if url.strip()
]
# Read-your-writes: after any unsafe request, that client reads the primary this long (the
# 2 s Payload uses; raise it past the replicas' usual lag).
DATABASE_REPLICA_PIN_SECONDS = env.float("DATABASE_REPLICA_PIN_SECONDS", default=2.0)
# A replica that does not answer is skipped for this long (each process finds out alone).
DATABASE_REPLICA_RETRY_SECONDS = env.float("DATABASE_REPLICA_RETRY_SECONDS", default=30.0)
# How long a request waits for a replica connection before falling back to the primary.
DATABASE_REPLICA_CONNECT_TIMEOUT = env.int("DATABASE_REPLICA_CONNECT_TIMEOUT", default=2)
# Accounts, sessions and tokens are always read from the primary: a revoked key, a
# deactivated user or a logout must take effect at once, whatever a replica's lag.
DATABASE_REPLICA_PRIMARY_APPS = env.list(
    "DATABASE_REPLICA_PRIMARY_APPS",
    default=["accounts", "auth", "sessions", "token_blacklist", "axes", "contenttypes"],
)


def replica_database(url: str) -> dict:
    """A replica's DATABASES entry: the primary's tuning, a short wait for a connection,
    and, in tests, the test database itself (a replica mirrors the primary)."""
    config = tuned_database(env.db_url_config(url))
    pool = config.get("OPTIONS", {}).get("pool")
    if isinstance(pool, dict):
        pool["timeout"] = DATABASE_REPLICA_CONNECT_TIMEOUT
        config["OPTIONS"]["connect_timeout"] = DATABASE_REPLICA_CONNECT_TIMEOUT
    config["TEST"] = {"MIRROR": "default"}
    return config


REPLICA_DATABASES = {
    f"replica_{n}": replica_database(url) for n, url in enumerate(DATABASE_REPLICA_URLS)
}
DATABASES.update(REPLICA_DATABASES)
DATABASE_ROUTERS = ["core.replicas.ReplicaRouter"] if REPLICA_DATABASES else []
# The public reads that may go to a replica (GET and HEAD only), and those that may not:
# a draft preview link is opened by someone other than the editor who just made it.
DATABASE_REPLICA_PATHS = env.list(
    "DATABASE_REPLICA_PATHS", default=["/api/v1/delivery/", "/sitemap.xml", "/feeds/"]
)
DATABASE_REPLICA_EXCLUDED_PATHS = ["/api/v1/delivery/preview/"]

# --- Beat leader (core.beat_leader) ------------------------------------------------------
# Only one `celery beat` schedules; another waits as standby and takes over when it dies.
BEAT_LEADER_LOCK = env.bool("BEAT_LEADER_LOCK", default=True)
BEAT_LEADER_RETRY_SECONDS = env.float("BEAT_LEADER_RETRY_SECONDS", default=5.0)
# SQLite: the lock is a file, by default next to the database file.
BEAT_LEADER_LOCK_FILE = env.str("BEAT_LEADER_LOCK_FILE", default="")
# Several deployments (or test runs) sharing one broker each name their own queue.
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
