"""DRF authentication: `Bearer <JWT>` or `Api-Key <key>`."""

from __future__ import annotations

from rest_framework import authentication, exceptions
from rest_framework_simplejwt.authentication import JWTAuthentication as BaseJWTAuthentication

from accounts.services import api_key_authenticate
from core.context import current_user_id


class JWTAuthentication(BaseJWTAuthentication):
    """simplejwt, refusing tokens of inactive users and tokens issued before a password change."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:
            current_user_id.set(result[0].pk)
        return result


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """`Authorization: Api-Key <key>`. The request acts as the key's user, within its scopes.

    `request.auth` is the ApiKey, so permission classes can check `scopes`.
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
