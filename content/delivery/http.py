"""Delivery responses: whole-response caching under the content version, ETag/304,
Last-Modified, Cache-Control and Surrogate-Key."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.http import http_date

from content.delivery.services import content_version


@dataclass
class Payload:
    body: bytes
    last_modified: datetime | None
    surrogate_keys: list[str]


def cache_key(request, scope: str) -> str:
    """Key a response by the content version and the exact path and query."""
    digest = hashlib.sha1(request.get_full_path().encode(), usedforsecurity=False).hexdigest()
    return f"delivery:r:{content_version()}:{scope}:{digest}"


def cached_payload(key: str) -> Payload | None:
    if not settings.DELIVERY_CACHE_ENABLED:
        return None
    hit = cache.get(key)
    return Payload(*hit) if hit else None


def store_payload(key: str, payload: Payload) -> None:
    if settings.DELIVERY_CACHE_ENABLED:
        cache.set(
            key,
            (payload.body, payload.last_modified, payload.surrogate_keys),
            settings.DELIVERY_CACHE_SECONDS,
        )


def respond(request, payload: Payload, *, cache_control: str | None = None) -> HttpResponse:
    """A JSON response with validators; 304 when the client already has this body."""
    etag = f'"{hashlib.md5(payload.body, usedforsecurity=False).hexdigest()}"'
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(payload.body, content_type="application/json")
    response["ETag"] = etag
    if payload.last_modified:
        response["Last-Modified"] = http_date(payload.last_modified.timestamp())
    response["Cache-Control"] = cache_control or settings.DELIVERY_CACHE_CONTROL
    response["Surrogate-Key"] = " ".join(payload.surrogate_keys)[:16000]
    response["Vary"] = "Accept, Authorization"
    return response
