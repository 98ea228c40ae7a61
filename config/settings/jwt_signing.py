"""How Folio signs its JWTs: HS256 with a shared secret (the default), or RS256 / ES256 with
a key pair, whose public half anyone can fetch from /.well-known/jwks.json (accounts.jwks)
to verify Folio's tokens without its secret. docs/operations.md "JWT signing".

This module only reads the variables (and a key file); accounts.jwt_keys parses the keys
when Django starts and stops start-up with ImproperlyConfigured if one is unfit.
base.py and production.py merge `simple_jwt_keys(...)` into SIMPLE_JWT.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from .environment import env

JWT_ALGORITHMS = ("HS256", "RS256", "ES256")
_PEM_BLOCK = re.compile(r"-----BEGIN [A-Z ]+-----.+?-----END [A-Z ]+-----", re.S)


def _pem(name: str) -> str:
    """A PEM given inline (`NAME`, with literal `\\n` allowed for one-line environments) or
    in a file (`NAME_FILE`, a mounted secret); "" if neither is set."""
    inline = env.str(name, default="", multiline=True).strip()
    path = env.str(f"{name}_FILE", default="").strip()
    if inline and path:
        raise ImproperlyConfigured(f"Set {name} or {name}_FILE, not both.")
    if not path:
        return inline
    try:
        return Path(path).read_text().strip()
    except OSError as exc:
        raise ImproperlyConfigured(f"{name}_FILE: cannot read {path} ({exc.strerror}).") from exc


JWT_ALGORITHM = env.str("JWT_ALGORITHM", default="HS256").strip().upper()
if JWT_ALGORITHM not in JWT_ALGORITHMS:
    raise ImproperlyConfigured(
        f"JWT_ALGORITHM must be one of {', '.join(JWT_ALGORITHMS)} (got {JWT_ALGORITHM!r})."
    )
JWT_PRIVATE_KEY = _pem("JWT_PRIVATE_KEY")
# Optional: derived from the private key when unset (and checked against it when set).
JWT_PUBLIC_KEY = _pem("JWT_PUBLIC_KEY")
# Public keys that signed earlier tokens (PEM blocks, one after another): still accepted and
# published, so switching to a new key pair does not sign everyone out. Drop one once the
# tokens it signed have expired (JWT_REFRESH_DAYS).
JWT_PREVIOUS_PUBLIC_KEYS = _PEM_BLOCK.findall(_pem("JWT_PREVIOUS_PUBLIC_KEYS"))
# How long clients and proxies may keep /.well-known/jwks.json. Publish a new key at least
# this long before signing with it (docs/operations.md "Rotating the key pair").
JWKS_MAX_AGE = env.int("JWKS_MAX_AGE", default=60 * 60)

if JWT_ALGORITHM == "HS256" and (JWT_PRIVATE_KEY or JWT_PUBLIC_KEY or JWT_PREVIOUS_PUBLIC_KEYS):
    raise ImproperlyConfigured(
        "A JWT key pair is set but JWT_ALGORITHM is HS256: set JWT_ALGORITHM to RS256 or "
        "ES256 to sign with it, or remove the JWT_*_KEY variables."
    )
if JWT_ALGORITHM != "HS256" and not JWT_PRIVATE_KEY:
    raise ImproperlyConfigured(
        f"JWT_ALGORITHM is {JWT_ALGORITHM}: set JWT_PRIVATE_KEY or JWT_PRIVATE_KEY_FILE "
        "to the PEM private key that signs the tokens."
    )


def simple_jwt_keys(hs256_secret: str) -> dict[str, str]:
    """SIMPLE_JWT's algorithm and keys: the secret under HS256, else the PEM pair."""
    if JWT_ALGORITHM == "HS256":
        return {"ALGORITHM": "HS256", "SIGNING_KEY": hs256_secret, "VERIFYING_KEY": ""}
    return {
        "ALGORITHM": JWT_ALGORITHM,
        "SIGNING_KEY": JWT_PRIVATE_KEY,
        "VERIFYING_KEY": JWT_PUBLIC_KEY,
    }
