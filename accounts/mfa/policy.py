"""Who must have a second factor: MFA_REQUIRED_ROLES, plus the roles an Administrator
adds with the admin's switches (folio_mfa_editors, folio_mfa_reviewers)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django_otp import user_has_device
from waffle import get_waffle_switch_model

from accounts.roles import ADMINISTRATOR, EDITOR, REVIEWER

# Switches (waffle, created off by flags.0003) that add a role to MFA_REQUIRED_ROLES. The
# setting is the floor an operator fixes; the switches only ever add to it, so no admin
# click can take 2FA away from Administrators.
ROLE_SWITCHES = {EDITOR: "folio_mfa_editors", REVIEWER: "folio_mfa_reviewers"}
OIDC = "oidc"  # request.session["auth_method"] of an SSO session: its IdP owns the factors


def _switch_on(name: str) -> bool:
    switch = get_waffle_switch_model().get(name)  # waffle's cache: a query only on a miss
    return bool(switch.pk and switch.active)


def required_roles() -> frozenset[str]:
    """The roles whose holders must sign in with a second factor."""
    roles = set(settings.MFA_REQUIRED_ROLES)
    roles.update(role for role, switch in ROLE_SWITCHES.items() if _switch_on(switch))
    return frozenset(roles)


def mfa_required_for(user: Any) -> bool:
    """Whether `user` holds a role that requires 2FA."""
    if not getattr(user, "is_authenticated", False) or not user.is_staff:
        return False  # every role holder is staff (accounts.services.user_staff_sync)
    held = set(user.roles)
    if user.is_superuser:
        held.add(ADMINISTRATOR)  # every right an Administrator has, whatever the groups
    # Only read the switches when the user holds a role they could add.
    if held & set(settings.MFA_REQUIRED_ROLES):
        return True
    return any(role in held and _switch_on(switch) for role, switch in ROLE_SWITCHES.items())


def user_has_mfa(user: Any) -> bool:
    """Whether `user` has a confirmed second factor of any kind (TOTP, recovery codes,
    passkey)."""
    return bool(getattr(user, "is_authenticated", False)) and user_has_device(user)


def enrolment_required(user: Any) -> bool:
    """The user must enrol before doing anything else: a required role, no factor."""
    return mfa_required_for(user) and not user_has_mfa(user)


def session_exempt(request: Any) -> bool:
    """A session signed in through the identity provider (OIDC): its factors are the IdP's."""
    session = getattr(request, "session", None)
    return session is not None and session.get("auth_method") == OIDC
