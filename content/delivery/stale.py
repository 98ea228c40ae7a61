"""Stale-if-error: while the database is unreachable, delivery answers with the last
response it kept for the same request, marked stale (RFC 9111's `Warning: 110` and `Age`),
rather than an error.

Each cached response is also written under a second key (content.delivery.http.store) that
lives DELIVERY_STALE_SECONDS, much longer than the fresh entry, and is read only here. The
process's own tier is tried first: a hot response needs no Redis either. A request with
nothing kept gets the 503 (core.exceptions.DependencyUnavailable).
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse

from content.delivery import local
from content.delivery.http import Ready, respond, response_key, stale_key

logger = logging.getLogger(__name__)
WARNING = '110 - "Response is Stale"'
# Clients and CDNs must not keep a stale answer as fresh; theirs they may still serve.
CACHE_CONTROL = "public, max-age=0, must-revalidate"


def kept(request) -> tuple[float, Ready] | None:
    """(when it was built, the response) last kept for this request, if any."""
    if not settings.DELIVERY_CACHE_ENABLED or settings.DELIVERY_STALE_SECONDS <= 0:
        return None
    key = response_key(request)
    if found := local.latest(key):
        return found
    entry = cache.get(stale_key(key))  # None as well when Redis is down too
    if not entry:
        return None
    stored_at, (_version, *fields) = entry
    return stored_at, Ready(*fields)


def answer(request) -> HttpResponse | None:
    """The stale response for this request, or None when nothing was kept."""
    found = kept(request)
    if found is None:
        return None
    stored_at, ready = found
    response = respond(request, ready, cache_control=CACHE_CONTROL)
    response["Age"] = str(max(0, int(time.time() - stored_at)))
    response["Warning"] = WARNING
    return response
