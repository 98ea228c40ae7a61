"""Settings of Folio's own features: webhooks, delivery, governance, audit anchors and the
outbox. base.py takes them all (`from .features import *`); like every setting, each is
read from the environment with a default that needs no server."""

from __future__ import annotations

import re

from django.core.exceptions import ImproperlyConfigured

from .environment import VAR_DIR, env

# --- Webhooks --------------------------------------------------------------------------
# Refuse private, loopback and link-local targets (SSRF) unless explicitly allowed.
WEBHOOK_ALLOW_PRIVATE_TARGETS = env.bool("WEBHOOK_ALLOW_PRIVATE_TARGETS", default=False)
WEBHOOK_TIMEOUT = env.float("WEBHOOK_TIMEOUT", default=5.0)
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=8)
WEBHOOK_BACKOFF_SECONDS = env.int("WEBHOOK_BACKOFF_SECONDS", default=30)

# --- Delivery --------------------------------------------------------------------------
DELIVERY_REQUIRE_KEY = env.bool("DELIVERY_REQUIRE_KEY", default=False)
DELIVERY_CACHE_ENABLED = env.bool("DELIVERY_CACHE_ENABLED", default=True)
DELIVERY_CACHE_SECONDS = env.int("DELIVERY_CACHE_SECONDS", default=60 * 60)
# Each process's own tier in front of the shared cache (content.delivery.local): how long
# it trusts the content version it last read, and how many responses it keeps.
DELIVERY_LOCAL_CACHE_SECONDS = env.float("DELIVERY_LOCAL_CACHE_SECONDS", default=1.0)
DELIVERY_LOCAL_CACHE_ENTRIES = env.int("DELIVERY_LOCAL_CACHE_ENTRIES", default=500)
# stale-if-error: a CDN (and Folio itself, content.delivery.stale) may serve a response
# this old while Folio errs; DELIVERY_STALE_SECONDS (resilience.py) is Folio's side of it.
DELIVERY_CACHE_CONTROL = env.str(
    "DELIVERY_CACHE_CONTROL",
    default="public, max-age=60, stale-while-revalidate=300, stale-if-error=86400",
)
DELIVERY_LOCALE_FALLBACK = env.bool("DELIVERY_LOCALE_FALLBACK", default=True)
# Relevance ranks at most this many of the newest matches (every match of a rarer term).
DELIVERY_SEARCH_RANK_WINDOW = env.int("DELIVERY_SEARCH_RANK_WINDOW", default=200)
# Cursor pages run SQL the ORM compiled once per query shape (content.delivery.compiled),
# which leans on Django's compiler internals; false builds each page's query afresh, as a
# Django upgrade that changes those internals may need until Folio catches up.
DELIVERY_COMPILED_QUERIES = env.bool("DELIVERY_COMPILED_QUERIES", default=True)

# --- Feature flags (django-waffle: flags/, docs/operations.md) ----------------------------
# waffle's own Flag (its default, named because flags' migration points at it): which flags
# frontends read is flags.models.PublicFlag.
WAFFLE_FLAG_MODEL = "waffle.Flag"
# flags.admin registers the three models, themed and audited, in place of waffle's pages.
WAFFLE_ENABLE_ADMIN_PAGES = False
# The Cache-Control of delivery/flags/ for anonymous requests: short, so a flag turned off
# stops reaching visitors soon, whatever caches sit in between.
FLAGS_CACHE_CONTROL = env.str(
    "FLAGS_CACHE_CONTROL", default="public, max-age=30, stale-while-revalidate=30"
)

# --- Content types as data (content.runtime) --------------------------------------------
# How long a process trusts the runtime types it loaded before it checks for a change made
# through another process (one indexed read of one row).
CONTENT_TYPES_CHECK_SECONDS = env.float("CONTENT_TYPES_CHECK_SECONDS", default=1.0)

# --- Editors' admin ---------------------------------------------------------------------
# The most items one bulk job may act on ("all N matching this filter" included); a job
# keeps its items' ids, so this bounds its row and its run.
BULK_JOB_MAX_ITEMS = env.int("BULK_JOB_MAX_ITEMS", default=10_000)

# --- Governance ------------------------------------------------------------------------
# Days until an item is due for review again, per type; "Mark reviewed" restarts the clock.
# Each type registers its interval (content.types: articles 180, pages 365);
# REVIEW_INTERVAL_<TYPE>_DAYS overrides it, e.g. REVIEW_INTERVAL_ARTICLE_DAYS=90.
CONTENT_REVIEW_INTERVAL_DAYS = {
    match[1].lower(): env.int(name)
    for name in sorted(env.ENVIRON)
    if (match := re.fullmatch(r"REVIEW_INTERVAL_(\w+)_DAYS", name))
}
# Items not changed for this long count as stale in the reports.
CONTENT_STALE_AFTER_DAYS = env.int("CONTENT_STALE_AFTER_DAYS", default=365)
# The periodic re-check of external links (a beat task, hourly by default): links current
# content uses whose last check is older than this are fetched again, at most BATCH a run.
POLICY_EXTERNAL_LINK_RECHECK_HOURS = env.float("POLICY_EXTERNAL_LINK_RECHECK_HOURS", default=24)
POLICY_EXTERNAL_LINK_RECHECK_BATCH = env.int("POLICY_EXTERNAL_LINK_RECHECK_BATCH", default=100)

# --- Audit log anchors (governance.audit.anchor) ---------------------------------
# Anchors are appended here (JSON lines) and logged; blank keeps them in the logs only.
AUDIT_ANCHOR_FILE = env.str("AUDIT_ANCHOR_FILE", default=str(VAR_DIR / "audit-anchors.jsonl"))
# Optionally POSTed (JSON) to a receiver outside Folio's database, e.g. a log collector.
AUDIT_ANCHOR_WEBHOOK_URL = env.str("AUDIT_ANCHOR_WEBHOOK_URL", default="")
# PostgreSQL: the role the app runs as, when migrations run as the tables' owner. After each
# `migrate`, that role is granted what the app needs, and on the audit log only SELECT and
# INSERT: it can neither change, delete nor truncate rows, nor switch the triggers off.
DATABASE_APP_ROLE = env.str("DATABASE_APP_ROLE", default="")

# --- Outbox (outbox.services) ------------------------------------------------------------
# Side effects (rebuilds, renditions, emails) go through the outbox (outbox.services): a
# pending job is sent again after RESEND seconds until a worker has run it; a worker holds
# it for at most LEASE seconds; a failing one is retried MAX_ATTEMPTS times, BACKOFF doubling.
OUTBOX_RESEND_SECONDS = env.int("OUTBOX_RESEND_SECONDS", default=60)
OUTBOX_LEASE_SECONDS = env.int("OUTBOX_LEASE_SECONDS", default=900)
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=8)
OUTBOX_BACKOFF_SECONDS = env.int("OUTBOX_BACKOFF_SECONDS", default=30)
OUTBOX_KEEP_DONE_DAYS = env.int("OUTBOX_KEEP_DONE_DAYS", default=7)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=4.0)
# Workers and beat log through LOGGING below (JSON with the task's request id), not Celery's own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# --- Real time (realtime/, docs/realtime.md) ---------------------------------------------
# The channel layer: channels-redis when set (every ASGI process hears every event at
# once), else the in-memory layer, and each ASGI process tails the event log instead
# (the embedded default: `make run` needs no server).
CHANNEL_LAYER_URL = env.str("CHANNEL_LAYER_URL", default="").strip()
# The replay window: the last REPLAY_EVENTS events, none older than REPLAY_SECONDS. Kept in
# Redis when the cache is Redis, else in the database.
REALTIME_REPLAY_EVENTS = env.int("REALTIME_REPLAY_EVENTS", default=1000)
REALTIME_REPLAY_SECONDS = env.int("REALTIME_REPLAY_SECONDS", default=60 * 60)
# How often an ASGI process on the in-memory layer reads the log for new events.
REALTIME_POLL_SECONDS = env.float("REALTIME_POLL_SECONDS", default=0.25)
# Limits of one connection: a client frame's size, its subscriptions, how long it may stay
# silent (a ping counts), and how many connections one API key may hold per ASGI process.
REALTIME_MAX_FRAME_BYTES = env.int("REALTIME_MAX_FRAME_BYTES", default=4096)
REALTIME_MAX_SUBSCRIPTIONS = env.int("REALTIME_MAX_SUBSCRIPTIONS", default=20)
REALTIME_IDLE_SECONDS = env.float("REALTIME_IDLE_SECONDS", default=120)
REALTIME_MAX_CONNECTIONS_PER_KEY = env.int("REALTIME_MAX_CONNECTIONS_PER_KEY", default=50)
# How often an ASGI process checks the keys its connections hold (one query for all): a
# revoked or expired key's connections are closed within this long.
REALTIME_KEY_CHECK_SECONDS = env.float("REALTIME_KEY_CHECK_SECONDS", default=1.0)
# Origins a browser may connect from (an Origin header); blank: the CORS_ALLOWED_ORIGINS
# and the site's own ALLOWED_HOSTS. Clients that send no Origin (servers) are not browsers.
REALTIME_ALLOWED_ORIGINS = env.list("REALTIME_ALLOWED_ORIGINS", default=[])
# Where the admin's pages reach the ASGI process (the editors' channel: live presence,
# locks, toasts, the review queue): a ws:// or wss:// address without a path, e.g.
# wss://realtime.example.com. Blank: the page's own host, on REALTIME_PUBLIC_PORT when
# that is set (`make run`, whose ASGI process has a port of its own: settings/local.py),
# else on its own port (production: the proxy routes /ws/ to the ASGI process).
REALTIME_PUBLIC_URL = env.str("REALTIME_PUBLIC_URL", default="").strip().rstrip("/")
if REALTIME_PUBLIC_URL and not re.fullmatch(r"wss?://[^/?#\s]+", REALTIME_PUBLIC_URL):
    raise ImproperlyConfigured(
        "REALTIME_PUBLIC_URL must be a ws:// or wss:// address without a path, such as "
        f"wss://realtime.example.com; got {REALTIME_PUBLIC_URL!r}."
    )
REALTIME_PUBLIC_PORT: int | None = None
# The editors' channel at all: off where no real-time process serves /ws/. Then the admin's
# pages do not connect (the change form keeps to its presence heartbeat over HTTP), and no
# editors' events are made.
REALTIME_EDITORS_ENABLED = env.bool("REALTIME_EDITORS_ENABLED", default=True)
