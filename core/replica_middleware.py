"""Per request: does this read go to a replica (core.replicas), and does this write pin
its client to the primary for a moment (read-your-writes)?

Only public reads opt in: GET and HEAD under DATABASE_REPLICA_PATHS (the delivery API, the
sitemap, the feeds). A client that made an unsafe request within the last
DATABASE_REPLICA_PIN_SECONDS reads the primary, so it sees what it just wrote while the
replicas catch up. The client is known by a cookie (browsers, clients with a cookie jar)
or, for token clients, by its Authorization header, noted in the shared cache: the only
per-request cost an anonymous reader pays is a look at its cookies.
"""

from __future__ import annotations

import hashlib
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import MiddlewareNotUsed

from core import replicas

PIN_COOKIE = "folio_read_primary"
_SAFE = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def _pin_key(authorization: str) -> str:
    return "replica-pin:" + hashlib.sha256(authorization.encode()).hexdigest()[:32]


class ReplicaRoutingMiddleware:
    """Routes public reads to a replica and pins writers to the primary (see the module)."""

    def __init__(self, get_response):
        if not replicas.replica_aliases():
            raise MiddlewareNotUsed  # no replicas: not a single instruction per request
        self.get_response = get_response
        self.paths = tuple(settings.DATABASE_REPLICA_PATHS)
        self.excluded = tuple(settings.DATABASE_REPLICA_EXCLUDED_PATHS)
        self.pin_seconds = settings.DATABASE_REPLICA_PIN_SECONDS

    def __call__(self, request):
        method = request.method
        if method in ("GET", "HEAD"):
            if self._replica_eligible(request):
                with replicas.reading_from(replicas.replica_choose()):
                    return self.get_response(request)
            return self.get_response(request)
        response = self.get_response(request)
        if method not in _SAFE and self.pin_seconds > 0:
            self._pin(request, response)
        return response

    def _replica_eligible(self, request) -> bool:
        path = request.path_info
        if not path.startswith(self.paths) or path.startswith(self.excluded):
            return False
        pinned = request.COOKIES.get(PIN_COOKIE)
        if pinned:
            try:
                if float(pinned) > time.time():
                    return False
            except ValueError:
                pass  # a mangled cookie pins nothing
        authorization = request.META.get("HTTP_AUTHORIZATION")
        return not (authorization and cache.get(_pin_key(authorization)))

    def _pin(self, request, response) -> None:
        """Read the primary for the next pin window: this client may read what it wrote."""
        until = time.time() + self.pin_seconds
        response.set_cookie(
            PIN_COOKIE,
            f"{until:.3f}",
            max_age=math.ceil(self.pin_seconds),
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
        authorization = request.META.get("HTTP_AUTHORIZATION")
        if authorization:
            cache.set(_pin_key(authorization), 1, timeout=math.ceil(self.pin_seconds))
