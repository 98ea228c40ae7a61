"""Two-factor sign-in: django-otp's devices and passkeys (accounts/mfa, docs/security.md).

Passkeys are bound to a relying party: the host editors sign in on (FOLIO_BASE_URL's, by
default) and the exact origins a browser may present them from. A passkey made on
127.0.0.1 does not work on localhost, as browsers scope them by host.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from .addresses import FOLIO_BASE_URL
from .environment import env

# Roles whose holders must sign in with a second factor; the admin's switches
# folio_mfa_editors and folio_mfa_reviewers add Editors and Reviewers (accounts.mfa.policy).
MFA_REQUIRED_ROLES = env.list("MFA_REQUIRED_ROLES", default=["Administrator"])
# How long the ticket between a password and its second factor works, in seconds.
MFA_TICKET_SECONDS = env.int("MFA_TICKET_SECONDS", default=5 * 60)


def _passkey_origin(base_url: str) -> tuple[str, str]:
    """(relying party id, origin) for a base address; an IP address becomes localhost."""
    parts = urlsplit(base_url)
    host = parts.hostname or "localhost"
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return host, f"{parts.scheme}://{parts.netloc}"
    port = f":{parts.port}" if parts.port else ""
    return "localhost", f"{parts.scheme}://localhost{port}"


_RP_ID, _ORIGIN = _passkey_origin(FOLIO_BASE_URL)
OTP_WEBAUTHN_RP_ID = env.str("WEBAUTHN_RP_ID", default=_RP_ID)
OTP_WEBAUTHN_RP_NAME = env.str("WEBAUTHN_RP_NAME", default="Folio")
OTP_WEBAUTHN_ALLOWED_ORIGINS = env.list("WEBAUTHN_ALLOWED_ORIGINS", default=[_ORIGIN])
# The issuer name authenticator apps show next to a TOTP entry.
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Folio")
# Folio's ceremonies: names each new passkey and audits it (accounts.passkeys.ceremony).
OTP_WEBAUTHN_HELPER_CLASS = "accounts.passkeys.ceremony.FolioWebAuthnHelper"
