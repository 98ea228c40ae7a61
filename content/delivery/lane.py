"""The delivery lane: anonymous reads of the delivery API skip what only the admin and
the management API need, and cache hits are answered before any of it.

Every request passes the first few middleware (metrics, the request id, the client's
address, the RateLimit headers, replica routing). Then, for a GET or HEAD under
DELIVERY_LANE_PATHS:

1. **A hit in the process's own cache tier** (content.delivery.local: the recent
   responses each process keeps) is answered here: the throttle is counted, the content
   version is the process's lease exactly as the view reads it, and the
   response is the view's own (`content.delivery.http.respond`: ETag and 304, gzip,
   Cache-Control, Surrogate-Key), finished by the response phase of the middleware that
   set headers on it further in (security headers, X-Frame-Options, the CSP, CORS). No
   database query, no URL resolution.
2. **Anything else** goes through a second handler built from the rest of the stack less
   DELIVERY_LANE_SKIPPED_MIDDLEWARE: sessions, authentication, messages, CSRF, axes and
   static files (config/settings/lane.py).
   Delivery never reads a session (an API key or a JWT authenticates inside the view), so
   none of that changes its answer; only the time it takes.

Requests that present credentials, a release preview token, or need an HTTPS redirect
skip step 1 (the view decides them); a preview of drafts (DELIVERY_LANE_EXCLUDED_PATHS)
takes the main stack. DELIVERY_LANE=false sends everything through the main stack.
"""

from __future__ import annotations

from django.conf import settings
from django.core.handlers.base import BaseHandler
from django.utils.module_loading import import_string
from rest_framework.exceptions import Throttled

from content.delivery import local, release_preview
from content.delivery.http import local_hit, needs_compressing, respond
from content.delivery.throttling import DeliveryThrottle
from core.exceptions import api_error_response

# Middleware further in whose response phase sets headers on (or counts) a delivery
# response: a cache hit answered here runs them, in the lean stack's order, so its headers
# are the ones the lean stack would give. django-prometheus' counts it as a request too.
_FINISHING = {
    "django.middleware.security.SecurityMiddleware": "process_response",
    "corsheaders.middleware.CorsMiddleware": "add_response_headers",
    "django.middleware.common.CommonMiddleware": "process_response",
    "django.middleware.clickjacking.XFrameOptionsMiddleware": "process_response",
    "core.csp.FolioCSPMiddleware": "process_response",
    "core.request_metrics.PrometheusAfterMiddleware": "process_response",
}
_METRICS = "core.request_metrics.PrometheusAfterMiddleware"


def lane_middleware() -> list[str]:
    """MIDDLEWARE after the lane, less what the lane skips."""
    names = list(settings.MIDDLEWARE)
    after = names[names.index(f"{__name__}.DeliveryLaneMiddleware") + 1 :]
    return [name for name in after if name not in settings.DELIVERY_LANE_SKIPPED_MIDDLEWARE]


class _LeanHandler(BaseHandler):
    """Django's handler with another middleware list."""

    def __init__(self, middleware: list[str]):
        super().__init__()
        # load_middleware reads settings.MIDDLEWARE and nothing else: lend it the lean
        # list for the call, rather than copy Django's loader (async adaptation,
        # MiddlewareNotUsed, the view and exception hooks).
        main = settings.MIDDLEWARE
        settings.MIDDLEWARE = middleware
        try:
            self.load_middleware()
        finally:
            settings.MIDDLEWARE = main


class DeliveryLaneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.enabled = settings.DELIVERY_LANE
        self.paths = tuple(settings.DELIVERY_LANE_PATHS)
        self.excluded = tuple(settings.DELIVERY_LANE_EXCLUDED_PATHS)
        if self.enabled:
            lean = lane_middleware()
            self.lean = _LeanHandler(lean)
            # Built with a dummy next step: only their response phase is called, innermost
            # first as in a real response phase.
            instances = {
                path: import_string(path)(_unreachable) for path in lean if path in _FINISHING
            }
            self.finishers = [
                getattr(instances[path], _FINISHING[path]) for path in reversed(instances)
            ]
            metrics = instances.get(_METRICS)
            self.count_request = metrics.process_request if metrics else None

    def __call__(self, request):
        if not self.enabled or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        path = request.path_info
        if not path.startswith(self.paths) or path.startswith(self.excluded):
            return self.get_response(request)
        if (response := self._hit(request)) is not None:
            return response
        return self.lean.get_response(request)

    def _hit(self, request):
        """The cached response, finished as the lean stack would; None on a miss or when
        the view must decide (credentials, a preview token, an HTTPS redirect)."""
        meta = request.META
        if (
            not settings.DELIVERY_CACHE_ENABLED
            or settings.DELIVERY_REQUIRE_KEY
            or "HTTP_AUTHORIZATION" in meta
            or release_preview.asked(meta)
            or (settings.SECURE_SSL_REDIRECT and not request.is_secure())
            or local.version() is None  # the lease ran out: the view reads the version
        ):
            return None
        ready = local_hit(request)
        if ready is None or needs_compressing(request, ready):
            return None  # the view compresses it once and keeps the bytes
        request.view_name = ready.view  # metrics count it under the view that built it
        if self.count_request is not None:
            self.count_request(request)
        try:
            DeliveryThrottle().check(request)
        except Throttled as exc:
            response = api_error_response(request, exc).render()
        else:
            response = respond(request, ready)
        for finish in self.finishers:
            response = finish(request, response) or response  # CORS' returns it too
        return response


def _unreachable(request):  # pragma: no cover - the finishers' next step, never called
    raise AssertionError("only the response phase of these middleware is used")
