"""System checks for two-factor settings: a misspelt role would quietly require nobody."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, register

from accounts.roles import ROLE_NAMES


@register("security")
def check_mfa_required_roles(app_configs=None, **kwargs) -> list[Error]:
    unknown = [role for role in settings.MFA_REQUIRED_ROLES if role not in ROLE_NAMES]
    if not unknown:
        return []
    return [
        Error(
            f"MFA_REQUIRED_ROLES names no such role: {', '.join(unknown)}.",
            hint=f"Roles: {', '.join(ROLE_NAMES)}.",
            id="accounts.E101",
        )
    ]
