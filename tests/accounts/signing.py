"""Key pairs for the JWT signing tests, made with cryptography as an operator would with
openssl, and a way to configure Folio to sign with one (as config/settings/jwt_signing.py
does from JWT_ALGORITHM and JWT_PRIVATE_KEY)."""

from __future__ import annotations

from functools import cache

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa


def _pem(private_key) -> str:
    return private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


@cache
def rsa_pem(name: str = "a", bits: int = 2048) -> str:
    """A private RSA key in PEM; the same one for the same name (RSA keys are slow to make)."""
    return _pem(rsa.generate_private_key(public_exponent=65537, key_size=bits))


@cache
def ec_pem(name: str = "a", curve: type[ec.EllipticCurve] = ec.SECP256R1) -> str:
    return _pem(ec.generate_private_key(curve()))


def public_pem(private_pem: str) -> str:
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def sign_with(settings, algorithm: str, private_pem: str = "", previous=(), public=""):
    """Have Folio sign with `private_pem` (HS256: its secret key), accepting `previous`."""
    secret = settings.SECRET_KEY if algorithm == "HS256" else private_pem
    settings.SIMPLE_JWT = {
        **settings.SIMPLE_JWT,
        "ALGORITHM": algorithm,
        "SIGNING_KEY": secret,
        "VERIFYING_KEY": public,
    }
    settings.JWT_PREVIOUS_PUBLIC_KEYS = [public_pem(pem) for pem in previous]
