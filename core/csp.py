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

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CSPMiddleware, PolicyParts
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
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


@lru_cache
def _plain_headers() -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """(header, value, excluded path prefixes) of the project policy as it stands, with
    nothing a view or a nonce added: built once, not on every response."""
    headers = []
    for header, setting, report_only in (
        (HEADER, "CONTENT_SECURITY_POLICY", False),
        (HEADER_REPORT_ONLY, "CONTENT_SECURITY_POLICY_REPORT_ONLY", True),
    ):
        if value := build_policy(report_only=report_only):
            prefixes = (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES") or ()
            headers.append((header, value, tuple(prefixes)))
    return tuple(headers)


@lru_cache
def _excluded_prefixes() -> tuple[str, ...]:
    """Every path prefix either policy leaves out."""
    return tuple(prefix for _, _, prefixes in _plain_headers() for prefix in prefixes)


@receiver(setting_changed)
def _policy_changed(setting, **kwargs) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _plain_headers.cache_clear()
        _excluded_prefixes.cache_clear()


# What django-csp's view decorators set on a response.
_CUSTOMISED = frozenset(
    f"_csp_{name}{mode}"
    for name in ("config", "update", "replace", "exempt")
    for mode in ("", "_ro")
)


def _plain(request: HttpRequest, response: HttpResponseBase) -> bool:
    """Whether the response gets the project policy as it stands: JSON that no view gave a
    policy of its own (django-csp's decorators) and that no nonce was made for."""
    return (
        getattr(request, "_csp_nonce", None) is None
        and _CUSTOMISED.isdisjoint(vars(response))
        and response.get("Content-Type", "").startswith("application/json")
    )


def plain_policy_applies(request: HttpRequest, response: HttpResponseBase) -> bool:
    """Whether FolioCSPMiddleware gives this response the same headers as any other plain
    JSON response (content.delivery.lane_headers): plain, on no excluded path, and not one
    of Django's debug pages (which it leaves alone)."""
    return (
        _plain(request, response)
        and not _debug_page(response)
        and not request.path_info.startswith(_excluded_prefixes())
    )


def _debug_page(response: HttpResponseBase) -> bool:
    return settings.DEBUG and response.status_code in (404, 500)


class FolioCSPMiddleware(CSPMiddleware):
    """django-csp's middleware; on admin pages script-src also allows 'unsafe-eval', and
    connect-src the real-time process. A response that nothing customised (every JSON
    response: the API's) gets the project policy built once (`_plain_headers`)."""

    def process_response(self, request: HttpRequest, response: HttpResponseBase):
        if not _plain(request, response):
            return super().process_response(request, response)
        if _debug_page(response):
            return response  # as django-csp leaves Django's debug pages alone
        for header, value, excluded in _plain_headers():
            if header not in response and not request.path_info.startswith(excluded):
                response[header] = value
        # django-csp also swaps request.csp_nonce for one that fails if asked for now,
        # against a template rendered after the header is written: JSON renders none.
        return response

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
