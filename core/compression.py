"""gzip for the API, the sitemap and the feed: machine-read responses of any size.

Django's own GZipMiddleware does the work (it weakens the ETag, as the compressed bytes
differ, and adds `Vary: Accept-Encoding`); this only chooses what it applies to:
- Responses under API_GZIP_MIN_BYTES stay as they are: below about a packet, compressing
  saves the client nothing and costs the server time.
- The admin and the review pages are left alone. They are HTML read with a session
  cookie, carry CSRF tokens and echo what was typed, which is what BREACH needs; the API
  authenticates with a header a cross-site page cannot send, so compressing it is safe.
- Delivery responses arrive already compressed from their cache (content.delivery.http),
  and this middleware skips any response that has a Content-Encoding.
"""

from __future__ import annotations

from django.conf import settings
from django.middleware.gzip import GZipMiddleware, re_accepts_gzip

from core.vary import add_vary

COMPRESSED_PATHS = ("/api/", "/sitemap.xml", "/feeds/")


class ApiGZipMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        if not request.path.startswith(COMPRESSED_PATHS) or "Content-Encoding" in response:
            return response
        if not response.streaming and len(response.content) < settings.API_GZIP_MIN_BYTES:
            return response
        if not re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
            # All GZipMiddleware does for this client (core.vary: without re-parsing).
            add_vary(response, "Accept-Encoding")
            return response
        return super().process_response(request, response)
