"""django-cors-headers' middleware written as hooks.

Its own `__call__` is a preflight check before the next step and the CORS headers after
it, which is what `process_request` and `process_response` are: as hooks, the delivery
lane calls it in its loop (core.flat_middleware) instead of nesting a layer for it.
Tested with the rest of the CORS policy in tests/core/test_cors.py.
"""

from __future__ import annotations

from corsheaders import middleware
from django.utils.deprecation import MiddlewareMixin

from core.vary import add_vary


class CorsMiddleware(MiddlewareMixin):
    def __init__(self, get_response):
        super().__init__(get_response)
        self.cors = middleware.CorsMiddleware(get_response)

    def process_request(self, request):
        # Only a preflight (OPTIONS) is answered here; for anything else it would only
        # note whether CORS applies, which process_response works out when it must.
        return self.cors.check_preflight(request) if request.method == "OPTIONS" else None

    def process_response(self, request, response):
        if request.META.get("HTTP_ORIGIN"):
            return self.cors.add_response_headers(request, response)
        # No Origin (every server-to-server read): all it would do is add Origin to Vary,
        # after building request.headers (every header) to look for one.
        enabled = getattr(request, "_cors_enabled", None)
        if enabled or (enabled is None and self.cors.is_enabled(request)):
            add_vary(response, "origin")
        return response
