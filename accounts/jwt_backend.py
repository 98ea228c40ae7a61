"""simplejwt's token backend for Folio's keys (accounts.jwt_keys): under RS256 / ES256 it
names the signing key in each token's `kid` header, and verifies a token with the key its
`kid` names, the current one or a previous one, each with its own algorithm.

simplejwt builds one backend at import (`rest_framework_simplejwt.state.token_backend`) and
every token looks it up there by name when it is made; `install()` puts in its place a
stand-in that answers with the backend for the settings in force.
"""

from __future__ import annotations

from typing import Any

import jwt
from django.utils.translation import gettext_lazy as _
from rest_framework_simplejwt import settings as simplejwt_settings
from rest_framework_simplejwt import state
from rest_framework_simplejwt.backends import TokenBackend
from rest_framework_simplejwt.exceptions import TokenBackendError, TokenBackendExpiredToken

from accounts.jwt_keys import SigningKeys, signing_keys


class FolioTokenBackend(TokenBackend):
    """simplejwt's backend; with a key pair, signs with a `kid` and verifies by it."""

    def __init__(self, keys: SigningKeys):
        # simplejwt rebinds its api_settings when SIMPLE_JWT changes: read the module's.
        options = simplejwt_settings.api_settings
        current = keys.public_key(None)
        super().__init__(
            keys.algorithm,
            signing_key=keys.signing_key,
            verifying_key=current.key if current else "",
            audience=options.AUDIENCE,
            issuer=options.ISSUER,
            leeway=options.LEEWAY,
            json_encoder=options.JSON_ENCODER,
        )
        self.keys = keys

    def encode(self, payload: dict[str, Any]) -> str:
        if self.keys.kid is None:
            return super().encode(payload)
        claims = dict(payload)
        if self.audience is not None:
            claims["aud"] = self.audience
        if self.issuer is not None:
            claims["iss"] = self.issuer
        return jwt.encode(
            claims,
            self.keys.signing_key,
            algorithm=self.algorithm,
            headers={"kid": self.keys.kid},
            json_encoder=self.json_encoder,
        )

    def decode(self, token: Any, verify: bool = True) -> dict[str, Any]:
        if self.keys.kid is None:
            return super().decode(token, verify)
        try:
            key = self.keys.public_key(jwt.get_unverified_header(token).get("kid"))
            if key is None:  # signed by a key Folio never had, or one retired since
                if verify:
                    raise TokenBackendError(_("Token is invalid"))
                key = self.keys.public_key(None)  # the signature goes unchecked anyway
            return jwt.decode(
                token,
                key.key,
                # The key's own algorithm only: a token cannot choose how it is checked.
                algorithms=[key.algorithm],
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.get_leeway(),
                options={"verify_aud": self.audience is not None, "verify_signature": verify},
            )
        except jwt.InvalidAlgorithmError as exc:
            raise TokenBackendError(_("Invalid algorithm specified")) from exc
        except jwt.ExpiredSignatureError as exc:
            raise TokenBackendExpiredToken(_("Token is expired")) from exc
        except jwt.InvalidTokenError as exc:
            raise TokenBackendError(_("Token is invalid")) from exc


def token_backend() -> FolioTokenBackend:
    """The backend for the keys in force (parsed once per configuration: cheap to make)."""
    return FolioTokenBackend(signing_keys())


class CurrentTokenBackend:
    """Stands in for simplejwt's module-level backend, which it builds once from the settings
    of import time: each use is answered by the backend for the settings in force."""

    def __getattr__(self, name: str) -> Any:
        return getattr(token_backend(), name)


def install() -> None:
    """Sign and verify every token with Folio's keys. Parses them now, so an unfit key stops
    start-up (ImproperlyConfigured) instead of failing the first sign-in."""
    signing_keys()
    state.token_backend = CurrentTokenBackend()
