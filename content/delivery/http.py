"""Delivery responses: whole-response caching under the content version, ETag and
Last-Modified with 304s, gzip, Cache-Control and Surrogate-Key.

A cached response is stored under its path and query with the content version it was
built at. The version is the database's, read at most once per process lease
(content.delivery.local), so a cache hit costs one round trip to Redis, and none while the
process's own tier holds the response; a takedown that committed is never served from
either tier past the lease, whatever state Redis is in. A response is gzipped once, for the
first client that takes gzip, and kept compressed beside the plain body in both tiers, so
a hit never compresses again. Each lookup counts as a local hit, a shared hit or a miss
(`folio_delivery_cache_requests_total` in /metrics: core.metrics).
"""

from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.utils import timezone
from django.utils.http import http_date, parse_etags, parse_http_date_safe
from django.utils.text import compress_string

from content import frontend
from content.delivery import local
from content.delivery.services import content_version, content_version_bump
from core.metrics import DELIVERY_CACHE_LOCAL_HIT, DELIVERY_CACHE_MISS, DELIVERY_CACHE_SHARED_HIT

# Origin: the delivery API answers browsers on other origins (CORS_URLS_REGEX), whose
# Access-Control-Allow-Origin differs by it; named here, the CORS middleware has nothing
# to add (core.vary).
_VARY = "Accept, Authorization, Origin, X-Folio-Release-Preview"
_VARY_GZIP = "Accept, Accept-Encoding, Authorization, Origin, X-Folio-Release-Preview"
_ACCEPTS_GZIP = re.compile(r"\bgzip\b")  # as Django's GZipMiddleware reads Accept-Encoding


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
    gzipped: bytes | None = None  # the body gzipped, once a client has asked for it
    view: str = ""  # the view that built it, for the request metrics of a hit at the lane

    @property
    def compressible(self) -> bool:
        return len(self.body) >= settings.API_GZIP_MIN_BYTES


@dataclass
class Lookup:
    """The result of the one cache read a delivery request makes."""

    key: str
    version: int
    ready: Ready | None


def response_key(request) -> str:
    """The cache key of this request's response: its path and query, which name one view
    (so the delivery lane finds a hit before the URL is resolved)."""
    # The frontend's bases are part of the key: responses carry URLs built with them.
    path = f"{request.get_full_path()} {frontend.cache_tag()}"
    digest = hashlib.sha1(path.encode(), usedforsecurity=False).hexdigest()
    # r3: no view scope in the key. r2 added the gzipped body, which processes of an older
    # release (a rolling deploy shares Redis) could not read.
    return f"delivery:r3:{digest}"


def stale_key(key: str) -> str:
    """Where the copy kept for a database outage lives (content.delivery.stale)."""
    return f"stale:{key}"


def lookup(request) -> Lookup:
    """The cached response and the content version. The version is the database's
    (content.delivery.services), trusted for the process's lease (content.delivery.local);
    the response comes from the process's own tier, else in one read of the shared cache."""
    if not settings.DELIVERY_CACHE_ENABLED:
        return Lookup("", 0, None)  # `store` keeps nothing either
    key = response_key(request)
    version = local.version()
    if version is None:  # the lease ran out: read the committed version again
        version, expiry = content_version()
        if expiry is not None and timezone.now() >= expiry:
            # A served item's expiry has passed, and cached responses may still show it:
            # start a new version now rather than when the scheduler runs.
            content_version_bump(expired=expiry)
            version, expiry = content_version()
        local.renew(version, expiry.timestamp() if expiry else None)
    ready = _read(key, version)
    if ready is None:
        DELIVERY_CACHE_MISS.inc()
    return Lookup(key, version, ready)


def local_hit(request) -> Ready | None:
    """The response in this process's own tier while its lease on the content version
    holds, else None: the view's `lookup` follows, and reads the shared cache. No I/O
    here, so nothing the delivery lane does before the view's stack is left out of its
    trace (the shared cache's reads are in the view's span)."""
    version = local.version()
    ready = None if version is None else local.get(response_key(request), version)
    if ready is not None:
        DELIVERY_CACHE_LOCAL_HIT.inc()
    return ready


def _read(key: str, version: int) -> Ready | None:
    """The response kept under `version`, from this process's tier, else the shared one."""
    if ready := local.get(key, version):
        DELIVERY_CACHE_LOCAL_HIT.inc()
        return ready
    entry = cache.get(key)
    # Built under an older content version: something was published since.
    ready = Ready(*entry[1:]) if entry and entry[0] == version else None
    if ready:
        DELIVERY_CACHE_SHARED_HIT.inc()
        local.put(key, version, ready)
    return ready


def store(found: Lookup, ready: Ready) -> None:
    """Keep a built response under the version read before building it, so a publish
    that lands meanwhile still invalidates it."""
    if settings.DELIVERY_CACHE_ENABLED:
        entry = (
            found.version,
            ready.body,
            ready.etag,
            ready.last_modified,
            ready.surrogate_key,
            ready.gzipped,
            ready.view,
        )
        cache.set(found.key, entry, settings.DELIVERY_CACHE_SECONDS)
        if settings.DELIVERY_STALE_SECONDS > 0:
            # Written on misses only, read only while the database is unreachable: hits
            # pay nothing for it. It outlives the fresh entry, whatever the version.
            stale_entry = (time.time(), entry)
            cache.set(stale_key(found.key), stale_entry, settings.DELIVERY_STALE_SECONDS)
        local.put(found.key, found.version, ready)


def _takes_gzip(request, ready: Ready) -> bool:
    return ready.compressible and bool(
        _ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", ""))
    )


def needs_compressing(request, ready: Ready) -> bool:
    """Whether this client takes gzip and the body is not compressed yet."""
    return ready.gzipped is None and _takes_gzip(request, ready)


def compress(request, ready: Ready) -> bool:
    """Gzip the body if this client takes gzip and it is not done yet; True when it was
    done now, so the caller stores the response again and later hits reuse the bytes."""
    if not needs_compressing(request, ready):
        return False
    ready.gzipped = compress_string(ready.body)
    return True


def _not_modified(request, ready: Ready) -> bool:
    """RFC 9110 13.2.2: If-None-Match decides when sent, else If-Modified-Since does."""
    meta = request.META
    if (tags := meta.get("HTTP_IF_NONE_MATCH")) is not None:
        # Weak comparison: the gzipped body's tag is the plain one's, made weak (W/).
        return any(tag == "*" or tag.removeprefix("W/") == ready.etag for tag in parse_etags(tags))
    since = meta.get("HTTP_IF_MODIFIED_SINCE")
    if not since or not ready.last_modified:
        return False
    if since == ready.last_modified:  # what clients send: the Last-Modified they were given
        return True
    since_at = parse_http_date_safe(since)
    return since_at is not None and parse_http_date_safe(ready.last_modified) <= since_at


def respond(request, ready: Ready, *, cache_control: str | None = None) -> HttpResponse:
    """A JSON response with validators, gzipped when the client takes it and the body is
    `compress`ed; 304 when the client already has this body."""
    gzipped = ready.gzipped is not None and _takes_gzip(request, ready)
    if _not_modified(request, ready):
        response = HttpResponseNotModified()
    elif gzipped:
        response = HttpResponse(ready.gzipped, content_type="application/json")
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(ready.body, content_type="application/json")
    # As Django's GZipMiddleware does: the compressed body's tag is weak, as its bytes differ.
    response["ETag"] = f"W/{ready.etag}" if gzipped else ready.etag
    if ready.last_modified:
        response["Last-Modified"] = ready.last_modified
    response["Cache-Control"] = cache_control or settings.DELIVERY_CACHE_CONTROL
    response["Surrogate-Key"] = ready.surrogate_key
    # A release preview token (content.delivery.release_preview) changes the answer: a
    # shared cache must not answer a request that carries one with this response.
    response["Vary"] = _VARY_GZIP if ready.compressible else _VARY
    return response
