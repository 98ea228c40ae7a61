"""Delivery responses: whole-response caching under the content version, ETag/304,
Last-Modified, Cache-Control and Surrogate-Key.

A cached response is stored under its path and query with the content version it was
built at, so one read (`cache.get_many`) fetches the current version and the response
together: a cache hit costs one round trip to Redis, and none while the process's own
tier (content.delivery.local) holds the response.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.http import http_date

from content.delivery import local
from content.delivery.services import NEXT_EXPIRY_KEY, VERSION_KEY, content_version_bump

_UNKNOWN = object()


@dataclass
class Payload:
    """What a delivery view builds: the JSON body and what its headers derive from."""

    body: bytes
    last_modified: datetime | None
    surrogate_keys: list[str]

    def ready(self) -> Ready:
        # SHA-256: with the CPU's SHA instructions, faster than MD5.
        return Ready(
            self.body,
            f'"{hashlib.sha256(self.body).hexdigest()[:32]}"',
            http_date(self.last_modified.timestamp()) if self.last_modified else "",
            " ".join(self.surrogate_keys)[:16000],
        )


@dataclass
class Ready:
    """A payload with its header values computed, as the response cache keeps it."""

    body: bytes
    etag: str
    last_modified: str
    surrogate_key: str


@dataclass
class Lookup:
    """The result of the one cache read a delivery request makes."""

    key: str
    version: int
    ready: Ready | None


def lookup(request, scope: str) -> Lookup:
    """The cached response and the content version: from this process's own tier while
    its lease holds (content.delivery.local), else in one read of the shared cache."""
    if not settings.DELIVERY_CACHE_ENABLED:
        return Lookup("", 0, None)  # `store` keeps nothing either
    digest = hashlib.sha1(request.get_full_path().encode(), usedforsecurity=False).hexdigest()
    key = f"delivery:r:{scope}:{digest}"
    version = local.version()
    if version is not None and (ready := local.get(key, version)):
        return Lookup(key, version, ready)
    found = cache.get_many([VERSION_KEY, NEXT_EXPIRY_KEY, key])
    version = found.get(VERSION_KEY) or 0
    entry = found.get(key)
    expiry = found.get(NEXT_EXPIRY_KEY, _UNKNOWN)
    if VERSION_KEY in found and (expiry is _UNKNOWN or (expiry and time.time() >= expiry)):
        # A served item's expiry has passed (or went untracked), and cached responses may
        # still show it: start a new version now rather than when the scheduler runs.
        version, entry = content_version_bump(), None
    else:
        local.renew(version, expiry if expiry is not _UNKNOWN else None)
    # Built under an older content version: something was published since.
    ready = Ready(*entry[1:]) if entry and entry[0] == version else None
    if ready:
        local.put(key, version, ready)
    return Lookup(key, version, ready)


def store(found: Lookup, ready: Ready) -> None:
    """Keep a built response under the version read before building it, so a publish
    that lands meanwhile still invalidates it."""
    if settings.DELIVERY_CACHE_ENABLED:
        entry = (found.version, ready.body, ready.etag, ready.last_modified, ready.surrogate_key)
        cache.set(found.key, entry, settings.DELIVERY_CACHE_SECONDS)
        local.put(found.key, found.version, ready)


def respond(request, ready: Ready, *, cache_control: str | None = None) -> HttpResponse:
    """A JSON response with validators; 304 when the client already has this body."""
    if ready.etag in request.META.get("HTTP_IF_NONE_MATCH", ""):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(ready.body, content_type="application/json")
    response["ETag"] = ready.etag
    if ready.last_modified:
        response["Last-Modified"] = ready.last_modified
    response["Cache-Control"] = cache_control or settings.DELIVERY_CACHE_CONTROL
    response["Surrogate-Key"] = ready.surrogate_key
    response["Vary"] = "Accept, Authorization"
    return response
