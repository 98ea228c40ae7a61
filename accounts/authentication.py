"""DRF authentication: `Bearer <JWT>` or `Api-Key <key>`."""

from __future__ import annotations

from typing import Any

from rest_framework import authentication, exceptions
from rest_framework_simplejwt.authentication import JWTAuthentication as BaseJWTAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.tokens import Token
from rest_framework_simplejwt.utils import get_md5_hash_password

from accounts.key_limits import api_key_allows_address
from accounts.mfa.enforcement import api_enforce
from accounts.services import api_key_authenticate
from core.context import current_user_id


class JWTAuthentication(BaseJWTAuthentication):
    """simplejwt, refusing tokens of inactive users and tokens issued before a password
    change; a user who must enrol in 2FA first reaches only enrolment (a 403 elsewhere)."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:
            current_user_id.set(result[0].pk)
            api_enforce(request, *result)
        return result


def jwt_authenticate(raw_token: str) -> tuple[Any, Token] | None:
    """The user of an access token and the token, checked as a `Bearer` request is
    (signature, expiry, an active user, no password change since it was issued); None if
    any check fails. For channels outside DRF (realtime's WebSockets)."""
    authenticator = JWTAuthentication()
    try:
        token = authenticator.get_validated_token(raw_token.encode("latin-1"))
        return authenticator.get_user(token), token
    except (InvalidToken, exceptions.AuthenticationFailed, UnicodeEncodeError):
        return None


def jwt_password_claim(token: Token) -> str | None:
    """What the token holds of its user's password when it was issued (CHECK_REVOKE_TOKEN)."""
    return token.get(jwt_settings.REVOKE_TOKEN_CLAIM)


def jwt_password_unchanged(user: Any, claim: str | None) -> bool:
    """Whether `user`'s password is still the one a token with `claim` was issued under."""
    return not jwt_settings.CHECK_REVOKE_TOKEN or claim == get_md5_hash_password(user.password)


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """`Authorization: Api-Key <key>`. The request acts as the key's user, within its scopes,
    from the networks it is restricted to (403 from elsewhere).

    `request.auth` is the ApiKey, so permission classes can check `scopes` and throttles
    its own `rate_limit`.
    """

    keyword = "Api-Key"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0] != self.keyword:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Send the header as `Api-Key <key>`.")
        key = api_key_authenticate(header[1])
        if key is None:
            raise exceptions.AuthenticationFailed(
                "Invalid, expired or revoked API key.", code="invalid_api_key"
            )
        # REMOTE_ADDR is the client as core.client_address resolved it (trusted proxies).
        if not api_key_allows_address(key, request.META.get("REMOTE_ADDR")):
            raise exceptions.PermissionDenied(
                "This API key may not be used from your address.", code="address_not_allowed"
            )
        current_user_id.set(key.user_id)
        return key.user, key

    def authenticate_header(self, request) -> str:
        return self.keyword


def authenticate_presented(request) -> tuple | None:
    """Check the credential a request presents where none is required (public delivery).

    `Bearer` and `Api-Key` credentials are checked as everywhere else, and a bad one
    (garbage, expired, revoked, a deactivated user's) raises AuthenticationFailed: a 401,
    not a silent fall back to anonymous. No header, or a scheme Folio does not issue (such
    as a proxy's Basic credentials), is anonymous: None.
    """
    for authenticator in (JWTAuthentication(), ApiKeyAuthentication()):
        result = authenticator.authenticate(request)
        if result is not None:
            return result
    return None


def axes_username(request, credentials: dict | None) -> str | None:
    """The login name django-axes tracks, whichever form or endpoint sent it."""
    credentials = credentials or {}
    return credentials.get("email") or credentials.get("username") or request.POST.get("username")
