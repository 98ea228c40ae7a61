"""A system check: single sign-on half configured stops start-up with a clear message."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, register

from accounts.roles import ROLE_NAMES


def _error(message: str, hint: str = "") -> Error:
    return Error(message, hint=hint or None, id="accounts.E_OIDC")


@register("security")
def oidc_settings_check(app_configs=None, **kwargs) -> list[Error]:
    """OIDC_ISSUER set means the client, its secret and a sane mapping are set too."""
    issuer = settings.OIDC_ISSUER
    errors: list[Error] = []
    if not issuer:
        if settings.OIDC_CLIENT_ID or settings.OIDC_CLIENT_SECRET:
            errors.append(
                _error(
                    "OIDC_CLIENT_ID or OIDC_CLIENT_SECRET is set but OIDC_ISSUER is empty.",
                    "Set OIDC_ISSUER to turn single sign-on on, or unset the others.",
                )
            )
        return errors
    parts = urlsplit(issuer)
    local = parts.hostname in ("127.0.0.1", "localhost", "::1")
    if parts.scheme != "https" and not (parts.scheme == "http" and local):
        errors.append(_error(f"OIDC_ISSUER must be an https:// address, not {issuer!r}."))
    for name in ("OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET"):
        if not getattr(settings, name):
            errors.append(_error(f"OIDC_ISSUER is set but {name} is empty."))
    if "openid" not in settings.OIDC_SCOPES:
        errors.append(_error("OIDC_SCOPES must include 'openid'."))
    unknown = {
        value: role for value, role in settings.OIDC_ROLE_MAP.items() if role not in ROLE_NAMES
    }
    if unknown:
        pairs = ", ".join(f"{value}={role}" for value, role in unknown.items())
        errors.append(
            _error(
                f"OIDC_ROLE_MAP maps to roles Folio does not have: {pairs}.",
                f"Roles: {', '.join(ROLE_NAMES)}. Format: claim-value=Role,other=Role.",
            )
        )
    if settings.OIDC_ROLE_MAP and not settings.OIDC_ROLES_CLAIM:
        errors.append(_error("OIDC_ROLE_MAP is set but OIDC_ROLES_CLAIM is empty."))
    return errors
