"""Finishing a sign-in: what the token endpoint answers after the password, and the
second step that issues the tokens. The admin's second step is in admin_views."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import update_last_login
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.audit import audit_record
from accounts.mfa import tickets
from accounts.mfa.devices import FACTOR_OF_KIND, device_kind, signin_methods
from accounts.mfa.policy import user_has_mfa
from accounts.mfa.verify import second_factor_verify
from accounts.models import User

# Tokens issued after a second factor say so (RFC 8176's "amr"): the API's enforcement
# then needs no query to know the user has 2FA.
AMR_CLAIM = "amr"


def token_pair(user: User, factor: str) -> dict[str, str]:
    """A fresh {access, refresh} for `user`, who signed in with `factor`."""
    refresh = RefreshToken.for_user(user)
    refresh[AMR_CLAIM] = ["pwd"] if factor == "password" else ["pwd", "mfa", factor]
    if api_settings.UPDATE_LAST_LOGIN:
        update_last_login(type(user), user)
    return {"refresh": str(refresh), "access": str(refresh.access_token)}


def password_signin(user: User) -> dict[str, Any]:
    """The answer to a checked password: tokens, or for a user with 2FA a ticket for the
    second step (never tokens on the password alone)."""
    if user_has_mfa(user):
        audit_record(actor=user, action="auth.mfa_challenge", target=user, metadata={"via": "api"})
        return {
            "mfa_required": True,
            "ticket": tickets.ticket_issue(user),
            "methods": signin_methods(user),
        }
    return token_pair(user, "password")


def ticket_signin(*, request: Any, ticket: str, code: str) -> tuple[User, str]:
    """Check the second factor for a ticket; returns the user and the factor used. The
    ticket is used up by the first success."""
    user = tickets.ticket_user(ticket)
    device = second_factor_verify(request=request, user=user, code=code)
    tickets.ticket_use(ticket)
    factor = FACTOR_OF_KIND.get(device_kind(device), device_kind(device))
    return user, factor
