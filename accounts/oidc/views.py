"""The admin's single sign-on pages: /admin/oidc/login/ sends the browser to the issuer,
/admin/oidc/callback/ signs it in. A failure lands on the admin's sign-in page with a
message, never an error page; the services write the audit rows."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.oidc.client import OidcError, authorize_redirect, oidc_enabled, verified_claims
from accounts.oidc.services import OidcRefused, oidc_refusal_record, oidc_sign_in

NEXT_KEY = "oidc_next"
# What the session says about how its user signed in; the two-factor checks leave SSO
# sessions to the identity provider, which owns their factors.
AUTH_METHOD_KEY = "auth_method"


def _back_to_login(request: HttpRequest, message: str) -> HttpResponse:
    messages.error(request, message)
    return HttpResponseRedirect(reverse("admin:login"))


def _safe_next(request: HttpRequest, url: str | None) -> str:
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse("admin:index")


@never_cache
@require_GET
def oidc_login(request: HttpRequest) -> HttpResponse:
    """Start a sign-in at the issuer, coming back to `next` afterwards."""
    if not oidc_enabled():
        raise Http404
    request.session[NEXT_KEY] = _safe_next(request, request.GET.get("next"))
    try:
        return authorize_redirect(request, request.build_absolute_uri(reverse("oidc-callback")))
    except OidcError as exc:
        oidc_refusal_record(reason=exc.reason, claims=None, user=None)
        return _back_to_login(request, exc.message)


@never_cache
@require_GET
def oidc_callback(request: HttpRequest) -> HttpResponse:
    """Finish a sign-in: check the ID token, apply the rules, start the admin session."""
    if not oidc_enabled():
        raise Http404
    try:
        user = oidc_sign_in(claims=verified_claims(request))
    except OidcError as exc:
        oidc_refusal_record(reason=exc.reason, claims=None, user=None)
        return _back_to_login(request, exc.message)
    except OidcRefused as exc:
        return _back_to_login(request, exc.message)
    next_url = request.session.pop(NEXT_KEY, None)
    request.auth_factor = "oidc"  # type: ignore[attr-defined]  # auth.login audit's factor
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    request.session[AUTH_METHOD_KEY] = "oidc"
    return HttpResponseRedirect(_safe_next(request, next_url))
