"""Redoc's bundle, with nothing loaded from outside Folio (the CSP allows none of it).

drf-spectacular-sidecar ships Redoc's bundle, and the bundle draws Redocly's logo in the
sidebar from cdn.redoc.ly, with no option to turn it off (sidecar issue 11). So Redoc's
page (core.schema_views) loads the bundle from here instead: the sidecar's file with
that one address replaced by an inline image, patched once per process.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

REDOC_BUNDLE = "drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js"
REDOCLY_LOGO = b"https://cdn.redoc.ly/redoc/logo-mini.svg"
# A small grey page: inline (the CSP's img-src allows data:), no quotes to break the JS.
LOCAL_LOGO = (
    b"data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E"
    b"%3Cpath d='M3 1h7l3 3v11H3z' fill='%23999'/%3E%3C/svg%3E"
)


@functools.cache
def redoc_bundle_source() -> tuple[bytes, str]:
    """The patched bundle and a digest of it (for a URL that can be cached for good)."""
    source = Path(finders.find(REDOC_BUNDLE)).read_bytes().replace(REDOCLY_LOGO, LOCAL_LOGO)
    return source, hashlib.sha256(source).hexdigest()[:16]


@require_safe
def redoc_bundle(request) -> HttpResponse:
    body, digest = redoc_bundle_source()
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    # The page links the bundle with its digest: a new Folio version links a new URL.
    fixed = request.GET.get("v") == digest
    response["Cache-Control"] = "public, max-age=31536000, immutable" if fixed else "no-cache"
    return response


class LocalRedocBundleMixin:
    """For drf-spectacular's Redoc page: load the bundle above."""

    def _redoc_standalone(self) -> str:
        return f"{reverse('redoc-bundle')}?v={redoc_bundle_source()[1]}"
