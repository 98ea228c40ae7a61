"""The keys Folio's JWTs are signed and verified with, and the public key set (JWKS, RFC 7517)
that lets anyone else verify them.

Read from settings (config/settings/jwt_signing.py; SIMPLE_JWT holds the algorithm and the
PEM pair) and parsed once per configuration. Every key is checked with PyJWT's own rules
for its algorithm (key type, curve, RSA size): an unfit key raises ImproperlyConfigured,
which accounts.jwt_backend.install() lets stop start-up rather than fail a request.

Under RS256 / ES256 each public key is named by its RFC 7638 thumbprint (`kid`): tokens
carry the signing key's in their header, so a verifier picks the right key from the set,
and a token signed by a previous key (JWT_PREVIOUS_PUBLIC_KEYS) is still accepted.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import (
    load_pem_private_key,
    load_pem_public_key,
)
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from jwt.algorithms import Algorithm, ECAlgorithm, RSAAlgorithm, get_default_algorithms
from jwt.exceptions import InvalidKeyError
from jwt.utils import base64url_encode

# What each asymmetric algorithm's keys are, as a verifier would be told in the JWKS.
_JWK_WRITERS = {"RS256": RSAAlgorithm.to_jwk, "ES256": ECAlgorithm.to_jwk}
# RFC 7638: the members of each key type that its thumbprint hashes.
_THUMBPRINT_MEMBERS = {"RSA": ("e", "kty", "n"), "EC": ("crv", "kty", "x", "y")}


@dataclass(frozen=True)
class PublicKey:
    """A public key that verifies tokens, with the algorithm it verifies and its `kid`."""

    algorithm: str
    key: Any  # cryptography's RSAPublicKey or EllipticCurvePublicKey
    kid: str

    def jwk(self) -> dict[str, Any]:
        """This key as a JWK: public members only, its `kid`, `alg` and `use`."""
        return {**_public_jwk(self.algorithm, self.key), "kid": self.kid, "alg": self.algorithm}


@dataclass(frozen=True)
class SigningKeys:
    """The key tokens are signed with, and the public keys that verify them."""

    algorithm: str
    signing_key: Any  # the HS256 secret, or cryptography's private key
    # Under RS256 / ES256: the signing key's public half first, then the previous keys.
    public_keys: tuple[PublicKey, ...]

    @property
    def kid(self) -> str | None:
        """What tokens name their key by (None under HS256: one secret, nothing to name)."""
        return self.public_keys[0].kid if self.public_keys else None

    def public_key(self, kid: str | None) -> PublicKey | None:
        """The key a token's `kid` names (no `kid`: the current key), or None if unknown."""
        if kid is None:
            return self.public_keys[0] if self.public_keys else None
        return next((key for key in self.public_keys if key.kid == kid), None)

    def jwks(self) -> dict[str, list[dict[str, Any]]]:
        """The JWK Set: every public key; empty under HS256, whose secret is never shown."""
        return {"keys": [key.jwk() for key in self.public_keys]}


def signing_keys() -> SigningKeys:
    """The keys of the settings in force (tests change them), parsed once per configuration."""
    jwt = settings.SIMPLE_JWT
    return _load(
        jwt.get("ALGORITHM", "HS256"),
        jwt.get("SIGNING_KEY") or settings.SECRET_KEY,
        jwt.get("VERIFYING_KEY") or "",
        tuple(getattr(settings, "JWT_PREVIOUS_PUBLIC_KEYS", ())),
    )


@lru_cache(maxsize=8)
def _load(algorithm: str, signing: str, verifying: str, previous: Sequence[str]) -> SigningKeys:
    if algorithm == "HS256":
        return SigningKeys(algorithm, signing, public_keys=())
    if algorithm not in _JWK_WRITERS:
        raise ImproperlyConfigured(
            f"JWT_ALGORITHM {algorithm} is not supported: use HS256, RS256 or ES256."
        )
    private_key = _prepare(algorithm, signing, "JWT_PRIVATE_KEY")
    if not isinstance(private_key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise ImproperlyConfigured(
            "JWT_PRIVATE_KEY holds a public key: give the private key (the public one is "
            "derived from it)."
        )
    current = _public_key(algorithm, private_key.public_key())
    if verifying:
        given = _public_key(algorithm, _prepare(algorithm, verifying, "JWT_PUBLIC_KEY"))
        if given.kid != current.kid:
            raise ImproperlyConfigured(
                "JWT_PUBLIC_KEY is not the public half of JWT_PRIVATE_KEY: fix it, or leave "
                "it unset to derive it from the private key."
            )
    olds = [_previous_key(pem, number) for number, pem in enumerate(previous, start=1)]
    unique = {key.kid: key for key in (current, *olds)}  # the current key once, first
    return SigningKeys(algorithm, private_key, public_keys=tuple(unique.values()))


def _algorithm(name: str) -> Algorithm:
    return get_default_algorithms()[name]


def _prepare(algorithm: str, pem: str, name: str) -> Any:
    """The key in `pem`, checked as PyJWT checks a key for `algorithm` (type, curve, size)."""
    alg = _algorithm(algorithm)
    try:
        key = alg.prepare_key(pem)
    except (InvalidKeyError, ValueError, TypeError) as exc:
        kind = "an RSA key of 2048 bits or more" if algorithm == "RS256" else "an EC P-256 key"
        raise ImproperlyConfigured(
            f"{name} holds {_describe(pem)}, but JWT_ALGORITHM {algorithm} needs {kind}."
        ) from exc
    too_short = alg.check_key_length(key)
    if too_short:
        raise ImproperlyConfigured(f"{name}: {too_short}")
    return key


def _describe(pem: str) -> str:
    """What a PEM holds, in words, for an error message."""
    data = pem.encode()
    try:
        key: Any = load_pem_private_key(data, password=None)
    except (ValueError, TypeError):
        try:
            key = load_pem_public_key(data)
        except ValueError:
            return "no PEM key (or an encrypted one)"
    if isinstance(key, rsa.RSAPrivateKey | rsa.RSAPublicKey):
        return f"an RSA key of {key.key_size} bits"
    if isinstance(key, ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey):
        return f"an EC key on the {key.curve.name} curve"
    return f"a key of type {type(key).__name__.removeprefix('_')}"


def _previous_key(pem: str, number: int) -> PublicKey:
    """A previous key, verifying with the algorithm its type implies (RS256 or ES256)."""
    name = f"JWT_PREVIOUS_PUBLIC_KEYS (key {number})"
    try:
        loaded = load_pem_public_key(pem.encode())
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} is not a PEM public key ({exc}).") from exc
    if not isinstance(loaded, rsa.RSAPublicKey | ec.EllipticCurvePublicKey):
        raise ImproperlyConfigured(f"{name} is neither an RSA nor an EC public key.")
    algorithm = "RS256" if isinstance(loaded, rsa.RSAPublicKey) else "ES256"
    return _public_key(algorithm, _prepare(algorithm, pem, name))


def _public_key(algorithm: str, key: Any) -> PublicKey:
    return PublicKey(algorithm, key, kid=_thumbprint(_public_jwk(algorithm, key)))


def _public_jwk(algorithm: str, key: Any) -> dict[str, Any]:
    # A private key (one given as JWT_PUBLIC_KEY, say) is reduced to its public half:
    # to_jwk would write the private members too.
    private = isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey)
    public = key.public_key() if private else key
    jwk = _JWK_WRITERS[algorithm](public, as_dict=True)
    # `use` rather than PyJWT's `key_ops`: RFC 7517 asks for one of them, and `use` is the
    # one gateways filter on.
    jwk.pop("key_ops", None)
    return {**jwk, "use": "sig"}


def _thumbprint(jwk: dict[str, Any]) -> str:
    """RFC 7638: SHA-256 over the key's required members, as sorted compact JSON."""
    members = {name: jwk[name] for name in _THUMBPRINT_MEMBERS[jwk["kty"]]}
    canonical = json.dumps(members, separators=(",", ":"), sort_keys=True).encode()
    return base64url_encode(hashlib.sha256(canonical).digest()).decode()
