"""Only enrolment until enrolled: a user whose role requires 2FA and who has none can
reach their enrolment and little else, in the admin and in the API.

The API side runs in JWT authentication (accounts.authentication): a 403
`mfa_enrolment_required` everywhere but `auth/mfa/...`, `auth/me/` and `auth/logout/`.
A token issued after a second factor carries it (signin.AMR_CLAIM) and costs no query.
API keys are not sign-ins (an Administrator issues them, scoped) and are not asked.

The admin side is MFAAdminMiddleware: a signed-in user with 2FA whose session has not
passed the second factor goes to the second step; a user who must enrol goes to their
Security page. Sessions signed in through OIDC are exempt: the identity provider owns
the factors there.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from rest_framework.exceptions import PermissionDenied

from accounts.mfa.policy import enrolment_required, session_exempt, user_has_mfa

# A token issued after a second factor, or through the identity provider (whose factors
# are its own), skips the check: "amr" holds "mfa" or "oidc".
EXEMPT_AMR = frozenset({"mfa", "oidc"})
ENROL_FIRST = "Your role requires two-factor sign-in: set it up before anything else."


class EnrolmentRequired(PermissionDenied):
    default_code = "mfa_enrolment_required"
    default_detail = (
        "Your role requires two-factor sign-in. Enrol a second factor at auth/mfa/totp/ "
        "first; until then only auth/mfa/, auth/me/ and auth/logout/ answer."
    )


def _api_open_paths() -> tuple[str, ...]:
    return (reverse("mfa-status"), reverse("auth-me"), reverse("auth-logout"))


def api_enforce(request: Any, user: Any, token: Any) -> None:
    """Refuse a Bearer request of a user who must enrol first (EnrolmentRequired)."""
    amr = token.get("amr") if token is not None else None
    if amr and EXEMPT_AMR & set(amr):
        return
    path = request.path_info
    mfa_prefix, *exact = _api_open_paths()
    if path.startswith(mfa_prefix) or path in exact:
        return
    if enrolment_required(user):
        raise EnrolmentRequired()


def _admin_open_paths() -> tuple[str, ...]:
    """Admin paths a signed-in user reaches before their second factor or enrolment."""
    return (
        reverse("admin:login"),
        reverse("admin:logout"),
        reverse("admin-mfa-verify"),
        reverse("admin:jsi18n"),
    )


class MFAAdminMiddleware:
    """The admin for a session that has passed its second factor, or is enrolling."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        redirect = self._redirect(request)
        return redirect if redirect is not None else self.get_response(request)

    def _redirect(self, request) -> HttpResponseRedirect | None:
        # The path first: reading request.user reads the session, which makes every
        # response `Vary: Cookie` (a CDN would keep a copy per visitor).
        if not request.path_info.startswith(reverse("admin:index")):
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or session_exempt(request):
            return None
        path = request.path_info
        if path in _admin_open_paths():
            return None
        if user.is_verified():
            return None  # passed a factor: no device query needed
        if user_has_mfa(user):
            # Not even the Security page on the password alone: factors are managed
            # from a session that passed one.
            query = urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(f"{reverse('admin-mfa-verify')}?{query}")
        if path.startswith(_own_security_prefix(user)):
            return None
        if enrolment_required(user):
            messages.warning(request, ENROL_FIRST)
            return HttpResponseRedirect(reverse("admin:accounts_user_security", args=[user.pk]))
        return None


def _own_security_prefix(user: Any) -> str:
    return reverse("admin:accounts_user_security", args=[user.pk])
