"""The base of every delivery endpoint: its throttle (content.delivery.throttling), its
optional API key, and a dispatch trimmed for the hot path (content.delivery.views holds the
endpoints themselves)."""

from __future__ import annotations

from django.conf import settings
from django.db import InterfaceError, OperationalError
from rest_framework.exceptions import (
    AuthenticationFailed,
    MethodNotAllowed,
    NotAuthenticated,
    PermissionDenied,
)
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.views import APIView

from accounts.authentication import (
    ApiKeyAuthentication,
    JWTAuthentication,
    authenticate_presented,
)
from accounts.models import ApiKey, ApiKeyScope
from content.delivery import release_preview, stale
from content.delivery.http import compress, lookup, respond, store
from content.delivery.throttling import DeliveryThrottle
from core.exceptions import api_error_response


class HasDeliveryKey(BasePermission):
    message = "Send an API key with the delivery:read scope."

    def has_permission(self, request, view) -> bool:
        return isinstance(request.auth, ApiKey) and ApiKeyScope.DELIVERY_READ in request.auth.scopes


class DeliveryView(APIView):
    """Public unless DELIVERY_REQUIRE_KEY; anonymous traffic is throttled.

    `dispatch` is trimmed for the hot path: these endpoints only read, answer pre-rendered
    JSON and need no content negotiation, so the handler gets Django's request as is and
    only the checks delivery needs run (throttle, the API key when one is required, and
    any credential that is sent: a bad one is a 401 even here). Errors still go
    through the API's one exception handler, so they keep the error format.

    A request carrying a release preview token is answered as if the release were
    published (content.delivery.release_preview); ordinary requests pay one check for it.
    """

    http_method_names = ["get"]
    throttle_classes = [DeliveryThrottle]
    # Whether a release can change this endpoint's answers. One it cannot (taxonomy, media)
    # checks a release preview token, then answers as usual.
    follows_releases = True
    # The release preview being answered (content.delivery.release_preview), else None.
    previewing = None
    # The OpenAPI schema's extras (core.schema.FolioAutoSchema) for every delivery operation.
    extra_parameters = release_preview.schema_parameters()
    extra_error_statuses = {
        "409": "The release preview token names a release that is no longer open.",
        "503": "The database is unavailable and nothing was cached for this request (see "
        "Retry-After), the search engine (SEARCH_BACKEND=opensearch) did not answer a search, "
        "or a release preview found the release's items locked by other changes.",
    }

    def get_authenticators(self):
        return [ApiKeyAuthentication()] if settings.DELIVERY_REQUIRE_KEY else []

    def get_permissions(self):
        return [HasDeliveryKey()] if settings.DELIVERY_REQUIRE_KEY else [AllowAny()]

    def dispatch(self, request, *args, **kwargs):
        self.args, self.kwargs, self.request, self.headers = args, kwargs, request, {}
        try:
            if request.method not in ("GET", "HEAD"):
                raise MethodNotAllowed(request.method)
            if settings.DELIVERY_REQUIRE_KEY:
                self._check_key(request)
            elif "HTTP_AUTHORIZATION" in request.META:
                # None is needed, but one that is sent must be good (anonymous requests,
                # the hot path, skip this). Before the cache lookup: a hit is no way round.
                presented = authenticate_presented(request)
                if presented is not None and isinstance(presented[1], ApiKey):
                    # Its own rate, if it has one, is counted per key (DeliveryThrottle).
                    request.auth = presented[1] if presented[1].rate_limit else None
            if release_preview.asked(request.META):
                return release_preview.serve(
                    request, lambda: self.get(request, *args, **kwargs), self
                )
            return self.get(request, *args, **kwargs)
        except Exception as exc:
            return self._error(request, exc)

    def _check_key(self, request) -> None:
        result = ApiKeyAuthentication().authenticate(request)
        if result is None:
            raise NotAuthenticated(HasDeliveryKey.message)
        request.user, request.auth = result
        if not HasDeliveryKey().has_permission(request, self):
            raise PermissionDenied(HasDeliveryKey.message)

    def throttle(self, request) -> None:
        """Count the request against the anonymous rate (views that are never cached)."""
        DeliveryThrottle().check(request)

    def _error(self, request, exc: Exception):
        response = api_error_response(request, exc, self)
        if isinstance(exc, NotAuthenticated | AuthenticationFailed):
            bearer = request.META.get("HTTP_AUTHORIZATION", "").startswith("Bearer ")
            response["WWW-Authenticate"] = (
                JWTAuthentication().authenticate_header(request)
                if bearer and not settings.DELIVERY_REQUIRE_KEY
                else ApiKeyAuthentication.keyword
            )
        return response

    def cached(self, request, build):
        """Throttle, then serve the cached response, or build, store and serve it.

        Before anything is parsed, the response is looked up: in this process's own tier,
        else in one read of the shared cache (content.delivery.http.lookup).
        """
        if self.previewing is not None:
            # Built in the preview's rehearsal, never read from nor kept in the cache (its
            # throttle was counted before the rehearsal began).
            return release_preview.answer(build().body)
        DeliveryThrottle().check(request)
        try:
            found = lookup(request)
            ready = found.ready
            if ready is None:
                ready = build().ready()
                ready.view = request.resolver_match.view_name
                compress(request, ready)
                store(found, ready)
            elif compress(request, ready):  # the first hit that takes gzip: keep the bytes
                store(found, ready)
        except (OperationalError, InterfaceError):
            # The database is unreachable (or too slow): the last response kept for this
            # request, marked stale; with none, the error becomes a 503 (core.exceptions).
            if (response := stale.answer(request)) is None:
                raise
            return response
        return respond(request, ready)
