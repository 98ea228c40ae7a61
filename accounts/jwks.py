"""`/.well-known/jwks.json`: the public keys that verify Folio's JWTs (RFC 7517), for an API
gateway or a frontend that checks tokens without Folio's secret.

Under HS256 the set is empty: the secret that signs is the one that verifies, and it is
never published. The document is public and the same for everyone: cacheable for
JWKS_MAX_AGE, answered with a 304 to a matching If-None-Match, and readable from any
origin. Like the other public documents (the sitemap, the feed) it takes no throttle: it
touches neither the database nor the cache, so limiting it would cost more than serving it.
"""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import get_conditional_response, patch_cache_control, quote_etag
from django.views.decorators.csrf import csrf_exempt

from accounts.jwt_keys import signing_keys
from core.exceptions import error_body

CONTENT_TYPE = "application/jwk-set+json"


@csrf_exempt  # nothing to forge: any other method than GET is refused in the error format
def jwks(request: HttpRequest) -> HttpResponse:
    """The JWK Set: every key that verifies a token Folio accepts."""
    if request.method not in ("GET", "HEAD"):
        response = JsonResponse(
            error_body("method_not_allowed", f'Method "{request.method}" not allowed.'),
            status=405,
        )
        response["Allow"] = "GET, HEAD"
        return response
    body = json.dumps(signing_keys().jwks(), sort_keys=True).encode()
    etag = quote_etag(hashlib.sha256(body).hexdigest()[:32])
    response = get_conditional_response(request, etag=etag) or HttpResponse(
        body, content_type=CONTENT_TYPE
    )
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=settings.JWKS_MAX_AGE)
    # Public keys: any page may read them (a browser frontend verifying a token).
    response["Access-Control-Allow-Origin"] = "*"
    return response
