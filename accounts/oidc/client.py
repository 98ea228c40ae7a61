"""The issuer, through Authlib's Django client: discovery from OIDC_ISSUER, the redirect
with state, nonce and PKCE (S256), the code exchange and the ID token's checks.

Authlib checks the signature against the issuer's JWKS, `exp` and `iat`, the nonce, and
`iss` against the discovery document. It does not check that `aud` names this client
(only `azp`, when present), nor that the discovery document is the configured issuer's;
both are checked here (OpenID Connect Core 3.1.3.7, Discovery 4.3).
"""

from __future__ import annotations

import threading
import time
from typing import Any

from authlib.integrations.base_client import OAuthError
from authlib.integrations.django_client import OAuth
from django.conf import settings
from django.core.signals import setting_changed
from django.http import HttpRequest, HttpResponse
from joserfc.errors import BadSignatureError, ClaimError, ExpiredTokenError, JoseError
from requests import RequestException

# How long the discovery document (and with it the key set) is trusted before it is read
# again; a key the issuer rotated in sooner is fetched at once (Authlib, unknown `kid`).
METADATA_SECONDS = 60 * 60


class OidcError(Exception):
    """The sign-in failed before Folio knew who it was for; `reason` goes in the audit row."""

    def __init__(self, reason: str, message: str = "Single sign-on failed. Please try again."):
        super().__init__(message)
        self.reason = reason
        self.message = message


_lock = threading.Lock()
_clients: dict[tuple[Any, ...], Any] = {}


def oidc_enabled() -> bool:
    return bool(settings.OIDC_ISSUER)


def _client():
    """Authlib's client for the current settings, made once and kept with its metadata."""
    key = (
        settings.OIDC_ISSUER,
        settings.OIDC_CLIENT_ID,
        settings.OIDC_CLIENT_SECRET,
        tuple(settings.OIDC_SCOPES),
        settings.OIDC_TIMEOUT,
    )
    with _lock:
        client = _clients.get(key)
        if client is None:
            registry = OAuth()
            client = registry.register(
                name="folio_oidc",
                client_id=settings.OIDC_CLIENT_ID,
                client_secret=settings.OIDC_CLIENT_SECRET,
                server_metadata_url=f"{settings.OIDC_ISSUER}/.well-known/openid-configuration",
                client_kwargs={
                    "scope": " ".join(settings.OIDC_SCOPES),
                    "code_challenge_method": "S256",
                    "default_timeout": settings.OIDC_TIMEOUT,
                },
            )
            _clients[key] = client
        loaded_at = client.server_metadata.get("_loaded_at")
        if loaded_at is not None and time.time() - loaded_at > METADATA_SECONDS:
            client.server_metadata.clear()
    return client


def _forget_clients(*, setting: str, **kwargs) -> None:
    if setting.startswith("OIDC_"):
        with _lock:
            _clients.clear()


setting_changed.connect(_forget_clients, dispatch_uid="accounts.oidc.forget_clients")


def _discovered(client) -> dict[str, Any]:
    """The discovery document, refused unless it names the configured issuer."""
    try:
        metadata = client.load_server_metadata()
    except (RequestException, ValueError) as exc:
        raise OidcError(
            "provider_unreachable", "The sign-in provider could not be reached. Try again later."
        ) from exc
    if metadata.get("issuer") != settings.OIDC_ISSUER:
        client.server_metadata.clear()  # read it again next time: it may get fixed
        raise OidcError(
            "issuer_mismatch", "The sign-in provider is misconfigured (issuer mismatch)."
        )
    return metadata


def authorize_redirect(request: HttpRequest, redirect_uri: str) -> HttpResponse:
    """Send the browser to the issuer; state, nonce and the PKCE verifier stay in the session."""
    client = _client()
    _discovered(client)
    try:
        return client.authorize_redirect(request, redirect_uri)
    except (RequestException, OAuthError, RuntimeError) as exc:
        raise OidcError(
            "provider_unreachable", "The sign-in provider could not be reached."
        ) from exc


def _token_reason(exc: Exception) -> str:
    """A short name for why the callback was refused, for the audit row and the tests."""
    if isinstance(exc, ExpiredTokenError):
        return "expired"
    if isinstance(exc, ClaimError):
        return f"invalid_{exc.claim}"
    if isinstance(exc, BadSignatureError | JoseError):
        return "bad_signature"
    if isinstance(exc, RequestException):
        return "provider_unreachable"
    return getattr(exc, "error", "") or "oauth_error"


def verified_claims(request: HttpRequest) -> dict[str, Any]:
    """Exchange the callback's code (with the state and PKCE verifier kept in the session)
    and return the checked ID token's claims; OidcError otherwise."""
    client = _client()
    _discovered(client)
    if request.GET.get("error"):
        raise OidcError(
            "provider_error", "The sign-in provider did not sign you in. Please try again."
        )
    options = {
        "iss": {"essential": True, "values": [settings.OIDC_ISSUER]},
        "aud": {"essential": True, "values": [settings.OIDC_CLIENT_ID]},
    }
    try:
        token = client.authorize_access_token(
            request, claims_options=options, leeway=settings.OIDC_CLOCK_LEEWAY
        )
    except (OAuthError, JoseError, RequestException, ValueError) as exc:
        raise OidcError(_token_reason(exc)) from exc
    claims = token.get("userinfo")
    if not claims:
        # No ID token (the issuer answered plain OAuth): nothing says who this is.
        raise OidcError("no_id_token")
    return dict(claims)
