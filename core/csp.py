"""The Content-Security-Policy, with the allowances the admin needs.

django-unfold draws the admin with Alpine.js, whose standard build evaluates its `x-data`
and `x-on` expressions with `new Function`: a script-src without 'unsafe-eval' leaves
every menu, tab and dropdown dead. And the admin's pages connect to the editors'
WebSocket, on the real-time process's address (core.realtime_address: another port under
`make run`). Both are given to admin pages only; the API, its docs and Folio's own pages
keep the strict policy of CONTENT_SECURITY_POLICY.
"""

from __future__ import annotations

from functools import lru_cache

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.urls import NoReverseMatch, get_urlconf, reverse

from core.realtime_address import realtime_origin

ADMIN_SCRIPT_SRC = ["'unsafe-eval'"]


@lru_cache
def _admin_prefix(urlconf: str) -> str | None:
    try:
        return reverse("admin:index", urlconf=urlconf)
    except NoReverseMatch:  # a URLconf without the admin (an API-only one, a test's)
        return None


def is_admin_path(path: str) -> bool:
    """Whether `path` is under the admin site's address (its index's), looked up once
    per URLconf."""
    prefix = _admin_prefix(get_urlconf() or settings.ROOT_URLCONF)
    return prefix is not None and path.startswith(prefix)


class FolioCSPMiddleware(CSPMiddleware):
    """django-csp's middleware; on admin pages script-src also allows 'unsafe-eval', and
    connect-src the real-time process."""

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        # Only pages need it: JSON (the delivery API's every response) skips the lookup.
        html = response.get("Content-Type", "").startswith("text/html")
        if not report_only and html and is_admin_path(request.path):
            update = dict(parts.update or {})
            # Whatever a view added (the body editor's nonce) is kept alongside.
            added = update.get("script-src") or []
            added = [added] if isinstance(added, str) else list(added)
            update["script-src"] = [*added, *ADMIN_SCRIPT_SRC]
            if settings.REALTIME_EDITORS_ENABLED:
                connect = update.get("connect-src") or []
                connect = [connect] if isinstance(connect, str) else list(connect)
                update["connect-src"] = [*connect, realtime_origin(request)]
            parts.update = update
        return parts
