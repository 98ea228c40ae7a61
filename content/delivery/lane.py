"""The delivery lane: anonymous reads of the delivery API skip what only the admin and
the management API need, through middleware called in a loop, and cache hits skip the
view.

The lane is the first middleware. A GET or HEAD under DELIVERY_LANE_PATHS goes through
the rest of MIDDLEWARE less DELIVERY_LANE_SKIPPED_MIDDLEWARE (sessions, authentication,
messages, CSRF, axes, static files: config/settings/lane.py), called one after another
rather than each inside the next (core.flat_middleware). Delivery never reads a session
(an API key or a JWT authenticates inside the view), so none of what is skipped changes
its answer; only the time it takes.

Where the view would be called, **a hit in the process's own cache tier**
(content.delivery.local: the recent responses each process keeps) is answered instead:
the throttle is counted, the content version is the process's lease exactly as the view
reads it, and the response is the view's own (`content.delivery.http.respond`: ETag and
304, gzip, Cache-Control, Surrogate-Key). Every middleware on the lane has seen the request
and sees the response as it would a view's: no database query, no URL resolution.

Requests that present credentials, a release preview token, or need an HTTPS redirect
skip the hit (the view decides them); a preview of drafts (DELIVERY_LANE_EXCLUDED_PATHS)
takes the main stack. DELIVERY_LANE=false sends everything through the main stack.
"""

from __future__ import annotations

from django.conf import settings
from rest_framework.exceptions import Throttled

from content.delivery import lane_headers, local, release_preview
from content.delivery.http import local_hit, needs_compressing, respond
from content.delivery.throttling import DeliveryThrottle
from core.exceptions import api_error_response
from core.flat_middleware import FlatHandler


def lane_middleware() -> list:
    """MIDDLEWARE after the lane, less what the lane skips, with the security headers,
    X-Frame-Options and the CSP set by one hook (content.delivery.lane_headers)."""
    names = list(settings.MIDDLEWARE)
    after = names[names.index(f"{__name__}.DeliveryLaneMiddleware") + 1 :]
    skipped = settings.DELIVERY_LANE_SKIPPED_MIDDLEWARE
    return lane_headers.fused([name for name in after if name not in skipped])


class DeliveryLaneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.enabled = settings.DELIVERY_LANE
        self.paths = tuple(settings.DELIVERY_LANE_PATHS)
        self.excluded = tuple(settings.DELIVERY_LANE_EXCLUDED_PATHS)
        if self.enabled:
            self.lane = FlatHandler(lane_middleware(), core=self._hit_or_view)

    def __call__(self, request):
        if not self.enabled or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        path = request.path_info
        if not path.startswith(self.paths) or path.startswith(self.excluded):
            return self.get_response(request)
        return self.lane.chain(request)

    def _hit_or_view(self, request):
        return self._hit(request) or self.lane._get_response(request)

    def _hit(self, request):
        """The cached response; None on a miss or when the view must decide (credentials,
        a preview token, an HTTPS redirect)."""
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
        try:
            DeliveryThrottle().check(request)
        except Throttled as exc:
            return api_error_response(request, exc).render()
        return respond(request, ready)
