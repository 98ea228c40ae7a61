"""One error format for the whole API: {"error": {"code", "message", "details"}}.

DRF's exceptions, Django's ValidationError / PermissionDenied / Http404 and the
domain exceptions below all pass through `api_exception_handler`, so a client
never sees a different shape, and a Django ValidationError never becomes a 500.
"""

from __future__ import annotations

import sys
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, InterfaceError, OperationalError
from django.http import Http404, HttpResponse, JsonResponse
from django.urls import Resolver404, resolve
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import exception_handler


class PreconditionFailed(exceptions.APIException):
    """The client's version is stale (If-Match / `version`): 412, with the current version."""

    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The resource has changed since you last read it."
    default_code = "precondition_failed"

    def __init__(self, *, current_version: int, detail: str | None = None):
        super().__init__(detail)
        self.details = {"current_version": current_version}


class PreconditionRequired(exceptions.APIException):
    """An update arrived without If-Match or `version`: 428."""

    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = 'Send the version you edited, as If-Match: "<version>" or a `version` field.'
    default_code = "precondition_required"


class Conflict(exceptions.APIException):
    """The request conflicts with the current state (for example, deleting media in use)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state of the resource."
    default_code = "conflict"


class ItemLocked(DjangoPermissionDenied):
    """Someone else holds the item's edit lock. A refusal (PermissionDenied) to the admin
    and every Django caller; the API answers 423 Locked (`Locked`), with `details`
    naming the holder and when the lock expires."""

    def __init__(self, message: str, *, details: dict[str, Any] | None = None):
        super().__init__(message)
        self.details = details or {}


class Locked(exceptions.APIException):
    """The item is locked by another user: 423, with the holder in the details."""

    status_code = status.HTTP_423_LOCKED
    default_detail = "The item is locked by another user."
    default_code = "locked"


class SwitchedOff(DjangoPermissionDenied):
    """A capability an Administrator switched off (flags.capabilities). A refusal
    (PermissionDenied) to the admin and every Django caller; the API answers 503 with the
    switch's name in `details`, so a client can tell it from an outage."""

    def __init__(self, message: str, *, switch: str):
        super().__init__(message)
        self.details = {"switch": switch}


class CapabilityUnavailable(exceptions.APIException):
    """A capability is switched off: 503 `switched_off`, the switch in the details."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "This capability is switched off."
    default_code = "switched_off"


class DependencyUnavailable(exceptions.APIException):
    """The database is unreachable or too slow: 503 with Retry-After, never a 500, so
    clients and load balancers retry rather than give up (docs/operations.md, "Outages
    and circuit breakers")."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "The database is unavailable; try again shortly."
    default_code = "database_unavailable"

    def __init__(self, detail: str | None = None, code: str | None = None):
        super().__init__(detail, code)
        self.wait = settings.OUTAGE_RETRY_AFTER  # DRF's handler sends it as Retry-After
        self.details = {"retry_after": self.wait}


def database_unavailable(exc: BaseException) -> DependencyUnavailable | None:
    """The 503 for a database error that says the database is down or too slow (a refused
    connection, an open breaker, statement_timeout); None for any other error."""
    if not isinstance(exc, OperationalError | InterfaceError):
        return None
    cause = exc.__cause__
    if cause is not None and type(cause).__name__ == "QueryCanceled":
        return DependencyUnavailable(
            "The database took too long to answer; try again shortly.", "database_timeout"
        )
    return DependencyUnavailable()


def error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    """The error envelope shared by the API, the middleware and the 404/500 handlers."""
    return {"error": {"code": code, "message": message, "details": details or {}}}


def _from_django(exc: Exception) -> Exception:
    if isinstance(exc, DjangoValidationError):
        detail = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        converted = exceptions.ValidationError(detail)
        # Structured extras a service attached (e.g. each policy violation as an object).
        converted.details = getattr(exc, "details", {})
        return converted
    if isinstance(exc, ItemLocked):
        converted = Locked(str(exc))
        converted.details = exc.details
        return converted
    if isinstance(exc, SwitchedOff):
        converted = CapabilityUnavailable(str(exc))
        converted.details = exc.details
        return converted
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, TooManyFieldsSent | TooManyFilesSent | RequestDataTooBig):
        # Django raises these on first access to request.GET / POST / FILES; unmapped, they
        # answer Django's HTML 400 page (its debug page with DEBUG on).
        return exceptions.ParseError(str(exc))
    if (unavailable := database_unavailable(exc)) is not None:
        return unavailable
    if isinstance(exc, IntegrityError):
        # Two requests raced past a service's uniqueness check; the database kept the rule.
        return Conflict("This conflicts with a change made at the same time; try again.")
    return exc


def _first_message(detail: Any) -> str:
    if isinstance(detail, list) and detail:
        return _first_message(detail[0])
    if isinstance(detail, dict) and detail:
        key, value = next(iter(detail.items()))
        message = _first_message(value)
        return message if key in ("non_field_errors", "detail") else f"{key}: {message}"
    return str(detail)


def _code(exc: exceptions.APIException) -> str:
    if isinstance(exc, exceptions.ValidationError):
        return "validation_error"
    detail = exc.detail
    if isinstance(detail, dict) and "code" in detail:  # simplejwt's InvalidToken
        return str(detail["code"])
    return getattr(detail, "code", None) or exc.default_code


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Render every API exception in the error format, keeping DRF's headers (Retry-After)."""
    exc = _from_django(exc)
    response = exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response

    detail = exc.detail
    if isinstance(exc, exceptions.ValidationError):
        details = detail if isinstance(detail, dict) else {"non_field_errors": detail}
        message = _first_message(details)
    elif isinstance(detail, dict):
        message = str(detail.get("detail", exc.default_detail))
        details = {k: v for k, v in detail.items() if k not in ("detail", "code")}
    else:
        message, details = str(detail), {}
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        details = {"retry_after": int(exc.wait)}
    details = {**details, **getattr(exc, "details", {})}
    response.data = error_body(_code(exc), message, details)
    return response


def api_error_response(request, exc: Exception, view: Any = None) -> Response:
    """`exc` answered in the error format outside DRF's dispatch (delivery's trimmed
    dispatch, a plain Django view): rendered as JSON whatever the client accepts. Raises
    `exc` again when it is not an error the API answers."""
    response = api_exception_handler(exc, {"request": request, "view": view})
    if response is None:
        raise exc
    response.accepted_renderer = JSONRenderer()
    response.accepted_media_type = "application/json"
    response.renderer_context = {"request": request, "response": response, "view": view}
    return response


def axes_lockout_response(request, original_response=None, credentials=None):
    """django-axes lockout (AXES_LOCKOUT_CALLABLE): the API answers 429 in the error format
    with Retry-After; the admin gets axes' plain lockout page."""
    from axes.helpers import get_lockout_message

    wait = int(settings.AXES_COOLOFF_TIME.total_seconds()) if settings.AXES_COOLOFF_TIME else None
    if request.path.startswith("/api/"):
        response = JsonResponse(
            error_body(
                "throttled", "Too many failed logins; try again later.", {"retry_after": wait}
            ),
            status=429,
        )
    else:
        response = HttpResponse(get_lockout_message(), status=settings.AXES_HTTP_RESPONSE_CODE)
    if wait:
        response["Retry-After"] = str(wait)
    return response


def _api_error(request, status_code: int, code: str, message: str, details: Any = None):
    return JsonResponse(error_body(code, message, details), status=status_code)


@csrf_exempt
def api_not_found(request, *args, **kwargs):
    """The last route under /api/: a path no API view matches is a 404 in the error format.

    Django renders a 404 from URL resolution itself, with its HTML debug page when DEBUG
    is on (handler404 is not consulted then); matching every /api/ path here means the API
    never falls through to it, whatever DEBUG is. CommonMiddleware's APPEND_SLASH redirect
    no longer applies to these paths (a redirect would turn a POST into a GET, and in DEBUG
    it raises), so a missing trailing slash is named in the answer instead.
    """
    details = {}
    if not request.path_info.endswith("/"):
        try:
            match = resolve(f"{request.path_info}/")
        except Resolver404:
            match = None
        if match is not None and match.func is not api_not_found:
            details = {"path": f"{request.path}/"}
    message = "Not found." if not details else "Not found; API paths end with a slash."
    return _api_error(request, 404, "not_found", message, details)


def handler404(request, exception=None):
    """JSON 404 under /api/, Django's page elsewhere."""
    if request.path.startswith("/api/"):
        return _api_error(request, 404, "not_found", "Not found.")
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)


def handler400(request, exception=None):
    """JSON 400 under /api/ (a bad request Django refused before any view), its page elsewhere."""
    if request.path.startswith("/api/"):
        return _api_error(request, 400, "bad_request", "Bad request.")
    from django.views.defaults import bad_request

    return bad_request(request, exception)


def handler500(request):
    """JSON 500 under /api/, Django's page elsewhere; 503 with Retry-After, in the same
    places, when the error was the database being unavailable (raised outside any API
    view: a middleware, the admin)."""
    unavailable = database_unavailable(sys.exc_info()[1])
    if unavailable is not None:
        if request.path.startswith("/api/"):
            response = _api_error(
                request, 503, _code(unavailable), str(unavailable.detail), unavailable.details
            )
        else:
            response = HttpResponse(
                "Service temporarily unavailable.", status=503, content_type="text/plain"
            )
        response["Retry-After"] = str(unavailable.wait)
        return response
    if request.path.startswith("/api/"):
        return _api_error(request, 500, "server_error", "An unexpected error occurred.")
    from django.views.defaults import server_error

    return server_error(request)
