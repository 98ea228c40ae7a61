"""Request-level guards that must act before any view parses the body."""

from __future__ import annotations

from django.conf import settings
from django.http import JsonResponse
from django.utils.deprecation import MiddlewareMixin

from core.client_address import request_ip
from core.context import current_ip, current_user_id
from core.exceptions import error_body


class RequestBodyLimitMiddleware(MiddlewareMixin):
    """Refuse oversized API bodies with 413 before DRF reads them.

    DRF streams the body to its parsers without Django's DATA_UPLOAD_MAX_MEMORY_SIZE
    check, so the limit is enforced here from Content-Length. Media uploads have their
    own, larger limit (MEDIA_MAX_UPLOAD_SIZE).
    """

    def process_request(self, request):
        if request.path.startswith("/api/"):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = -1
            limit = self._limit(request)
            if length < 0:
                return JsonResponse(
                    error_body("bad_request", "Invalid Content-Length header."), status=400
                )
            if length > limit:
                return JsonResponse(
                    error_body(
                        "request_too_large",
                        f"The request body exceeds the limit of {limit} bytes.",
                        {"limit": limit},
                    ),
                    status=413,
                )
        return None

    @staticmethod
    def _limit(request) -> int:
        if request.content_type == "multipart/form-data":
            return getattr(settings, "MEDIA_MAX_UPLOAD_SIZE", settings.API_MAX_BODY_SIZE)
        return settings.API_MAX_BODY_SIZE


class NulCharacterGuardMiddleware(MiddlewareMixin):
    """Refuse API requests with a NUL character in the path or the query string: 400.

    PostgreSQL text cannot hold NUL, so such a value reaching any filter or lookup is a
    database error (a 500) on PostgreSQL, while SQLite takes it. No real client sends one;
    refusing it here covers every endpoint's parameters at once.
    """

    message = "NUL characters are not allowed."

    def process_request(self, request):
        if request.path.startswith("/api/"):
            bad = ["path"] if "\x00" in request.path else []
            if "%00" in request.META.get("QUERY_STRING", ""):
                bad += [
                    name
                    for name, values in request.GET.lists()
                    if "\x00" in name or any("\x00" in value for value in values)
                ]
            if bad:
                details = {name.replace("\x00", "\\x00"): [self.message] for name in bad}
                return JsonResponse(
                    error_body("validation_error", self.message, details), status=400
                )
        return None


class RequestContextMiddleware(MiddlewareMixin):
    """Expose the client IP (for the audit log) and the session user's id (for logs).

    API requests authenticate inside DRF; the authentication classes set the user id there.
    Reading the session user of an API request here would also make every API response
    `Vary: Cookie`, splitting a CDN's cache of public delivery responses per visitor.
    """

    def process_request(self, request) -> None:
        user = None if request.path.startswith("/api/") else getattr(request, "user", None)
        # Set afresh on every request but not reset after it: Django logs 4xx and 5xx responses
        # ("django.request") once the middleware chain has returned, and that line must still
        # carry the user. django_guid treats the request id the same way.
        current_user_id.set(user.pk if user is not None and user.is_authenticated else None)
        current_ip.set(request_ip(request))

    def process_response(self, request, response):
        current_ip.set(None)  # what is audited after the request is no client's doing
        return response
