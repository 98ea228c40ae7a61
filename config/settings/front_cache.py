"""A front cache (Varnish with xkey, deploy/varnish/) that Folio purges after a publish,
unpublish or takedown commits (content.delivery.front_cache, docs/operations.md "Front
cache (Varnish)"). base.py takes them (`from .front_cache import *`)."""

from __future__ import annotations

from .environment import env

# Each front cache's address, e.g. http://varnish (one per Varnish instance: each has its
# own objects). Empty: nothing is purged (no front cache, or one that only expires).
FRONT_CACHE_PURGE_URLS = env.list("FRONT_CACHE_PURGE_URLS", default=[])
# Seconds one purge request may take; a failure is retried by the outbox with backoff.
FRONT_CACHE_PURGE_TIMEOUT = env.float("FRONT_CACHE_PURGE_TIMEOUT", default=5.0)
# Seconds after the commit before the purge: past each web process's lease on the content
# version (DELIVERY_LOCAL_CACHE_SECONDS), so the front cache's next fetch cannot be answered
# from a process still serving the old version (and stored again for max-age).
FRONT_CACHE_PURGE_DELAY = env.float("FRONT_CACHE_PURGE_DELAY", default=2.0)
