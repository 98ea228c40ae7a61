"""JWT signing with a key pair (RS256 / ES256) and the public key set at
/.well-known/jwks.json, checked as an API gateway would: tokens come from the real token
endpoint, and are verified with PyJWT using nothing but the keys the set publishes."""

from __future__ import annotations

import hmac
import json
from hashlib import sha256

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.exceptions import ImproperlyConfigured
from jwt.utils import base64url_encode
from rest_framework.test import APIClient

from accounts.jwt_keys import signing_keys
from tests.accounts.factories import PASSWORD, UserFactory
from tests.accounts.signing import ec_pem, public_pem, rsa_pem, sign_with
from tests.assertions import assert_error

pytestmark = pytest.mark.django_db

JWKS_URL = "/.well-known/jwks.json"
KEYS = {"RS256": rsa_pem, "ES256": ec_pem}


def obtain(user) -> dict:
    response = APIClient().post("/api/v1/auth/token/", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 200, response.content
    return response.json()


def me(access: str):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client.get("/api/v1/auth/me/")


def published() -> dict:
    response = APIClient().get(JWKS_URL)
    assert response.status_code == 200
    return json.loads(response.content)


def verify_as_gateway(token: str) -> dict:
    """The token's claims, verified with the key its `kid` names in the published set."""
    key = jwt.PyJWKSet.from_dict(published())[jwt.get_unverified_header(token)["kid"]]
    return jwt.decode(token, key.key, algorithms=[key.algorithm_name])


def forged(token: str, key, algorithm: str, **header) -> str:
    """`token`'s claims, signed with another key."""
    claims = jwt.decode(token, options={"verify_signature": False})
    return jwt.encode(claims, key, algorithm=algorithm, headers=header or None)


# --- Verifying Folio's tokens without its secret -------------------------------------------


@pytest.mark.parametrize("algorithm", ["RS256", "ES256"])
def test_a_gateway_verifies_folios_tokens_with_the_published_keys_alone(settings, algorithm):
    sign_with(settings, algorithm, KEYS[algorithm]())
    user = UserFactory()
    tokens = obtain(user)

    assert jwt.get_unverified_header(tokens["access"])["alg"] == algorithm
    claims = verify_as_gateway(tokens["access"])
    assert (claims["user_id"], claims["token_type"]) == (str(user.pk), "access")
    assert me(tokens["access"]).json()["email"] == user.email

    # The refresh token is signed the same way, and so is the access token it brings.
    assert verify_as_gateway(tokens["refresh"])["token_type"] == "refresh"
    refreshed = APIClient().post("/api/v1/auth/token/refresh/", {"refresh": tokens["refresh"]})
    assert refreshed.status_code == 200, refreshed.content
    assert verify_as_gateway(refreshed.json()["access"])["user_id"] == str(user.pk)
    assert me(refreshed.json()["access"]).status_code == 200


@pytest.mark.parametrize(
    ("algorithm", "members"),
    [("RS256", {"kty", "n", "e"}), ("ES256", {"kty", "crv", "x", "y"})],
)
def test_the_key_set_holds_public_members_only(settings, algorithm, members):
    sign_with(settings, algorithm, KEYS[algorithm]())
    (key,) = published()["keys"]
    assert set(key) == members | {"kid", "alg", "use"}
    assert (key["alg"], key["use"]) == (algorithm, "sig")
    # Its kid is the key's RFC 7638 thumbprint: a hash of its required members.
    required = {name: key[name] for name in members}
    canonical = json.dumps(required, separators=(",", ":"), sort_keys=True).encode()
    assert key["kid"] == base64url_encode(sha256(canonical).digest()).decode()


def test_under_hs256_the_key_set_is_empty_and_the_secret_stays_secret(settings):
    response = APIClient().get(JWKS_URL)
    assert json.loads(response.content) == {"keys": []}
    assert settings.SIMPLE_JWT["SIGNING_KEY"].encode() not in response.content
    # HS256 tokens still work as before, with no kid to name a key by.
    tokens = obtain(UserFactory())
    assert jwt.get_unverified_header(tokens["access"]) == {"alg": "HS256", "typ": "JWT"}
    assert me(tokens["access"]).status_code == 200


# --- Tokens Folio did not sign ---------------------------------------------------------------


def test_an_hs256_token_is_refused_once_rs256_is_configured(settings):
    tokens = obtain(UserFactory())  # signed with the secret, HS256 being the default
    sign_with(settings, "RS256", rsa_pem())
    assert_error(me(tokens["access"]), 401, "token_not_valid")
    refreshed = APIClient().post("/api/v1/auth/token/refresh/", {"refresh": tokens["refresh"]})
    assert_error(refreshed, 401, "token_not_valid")


def test_a_token_signed_with_the_public_key_as_an_hmac_secret_is_refused(settings):
    """The classic confusion: HS256 "signed" with the published key, naming its kid."""
    sign_with(settings, "RS256", rsa_pem())
    token = obtain(UserFactory())["access"]
    kid = jwt.get_unverified_header(token)["kid"]
    header = {"alg": "HS256", "typ": "JWT", "kid": kid}
    claims = jwt.decode(token, options={"verify_signature": False})
    signing_input = b".".join(
        base64url_encode(json.dumps(part).encode()) for part in (header, claims)
    )
    signature = hmac.new(public_pem(rsa_pem()).encode(), signing_input, sha256).digest()
    confused = (signing_input + b"." + base64url_encode(signature)).decode()
    assert_error(me(confused), 401, "token_not_valid")


@pytest.mark.parametrize("algorithm", ["RS256", "ES256"])
def test_a_token_signed_by_an_unrelated_key_is_refused(settings, algorithm):
    sign_with(settings, algorithm, KEYS[algorithm]())
    token = obtain(UserFactory())["access"]
    kid = jwt.get_unverified_header(token)["kid"]
    other = KEYS[algorithm]("unrelated")

    for attempt in (
        forged(token, other, algorithm, kid=kid),  # claiming Folio's key
        forged(token, other, algorithm, kid="someone-elses-key"),
        forged(token, other, algorithm),  # no kid: checked against the current key
    ):
        assert_error(me(attempt), 401, "token_not_valid")
    assert me(token).status_code == 200


# --- Rotating the key pair -------------------------------------------------------------------


def test_a_new_key_pair_keeps_earlier_tokens_working_until_the_old_key_is_dropped(settings):
    user = UserFactory()
    sign_with(settings, "RS256", rsa_pem())
    old = obtain(user)
    old_kid = jwt.get_unverified_header(old["access"])["kid"]

    # The new pair may even change the algorithm: each key verifies with its own.
    sign_with(settings, "ES256", ec_pem(), previous=[rsa_pem()])
    new = obtain(user)
    new_kid = jwt.get_unverified_header(new["access"])["kid"]
    assert new_kid != old_kid
    assert [key["kid"] for key in published()["keys"]] == [new_kid, old_kid]
    assert verify_as_gateway(old["access"])["user_id"] == str(user.pk)
    assert me(old["access"]).status_code == 200
    # Refreshing an old session moves it onto the new key.
    refreshed = APIClient().post("/api/v1/auth/token/refresh/", {"refresh": old["refresh"]})
    assert refreshed.status_code == 200, refreshed.content
    assert jwt.get_unverified_header(refreshed.json()["access"])["kid"] == new_kid

    sign_with(settings, "ES256", ec_pem())  # the old key retired
    assert [key["kid"] for key in published()["keys"]] == [new_kid]
    assert_error(me(old["access"]), 401, "token_not_valid")
    assert me(new["access"]).status_code == 200


# --- The document ----------------------------------------------------------------------------


def test_the_key_set_is_cacheable_and_readable_from_any_origin(settings):
    settings.JWKS_MAX_AGE = 600
    sign_with(settings, "RS256", rsa_pem())
    first = APIClient().get(JWKS_URL, HTTP_ORIGIN="https://app.example.com")
    assert first["Content-Type"] == "application/jwk-set+json"
    assert set(first["Cache-Control"].split(", ")) == {"public", "max-age=600"}
    assert first["Access-Control-Allow-Origin"] == "*"

    again = APIClient().get(JWKS_URL, HTTP_IF_NONE_MATCH=first["ETag"])
    assert (again.status_code, again.content) == (304, b"")

    # A new key changes the document, and a client holding the old copy gets the new one.
    sign_with(settings, "RS256", rsa_pem("b"), previous=[rsa_pem()])
    changed = APIClient().get(JWKS_URL, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200
    assert len(json.loads(changed.content)["keys"]) == 2


def test_the_key_set_is_read_only():
    response = APIClient().post(JWKS_URL, {})
    assert_error(response, 405, "method_not_allowed")
    assert response["Allow"] == "GET, HEAD"


# --- Keys unfit for signing --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("algorithm", "private", "message"),
    [
        ("ES256", lambda: rsa_pem(), "holds an RSA key of 2048 bits, but JWT_ALGORITHM ES256"),
        ("RS256", lambda: ec_pem(), "holds an EC key on the secp256r1 curve, but JWT_ALGORITHM"),
        ("ES256", lambda: ec_pem("p384", ec.SECP384R1), "secp384r1 curve, but"),
        ("RS256", lambda: rsa_pem("short", 1024), "The RSA key is 1024 bits long"),
        ("RS256", lambda: "-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----", "no PEM"),
        ("RS256", lambda: public_pem(rsa_pem()), "JWT_PRIVATE_KEY holds a public key"),
    ],
    ids=["rsa-for-es256", "ec-for-rs256", "wrong-curve", "short-rsa", "not-pem", "public-only"],
)
def test_an_unfit_signing_key_is_refused_by_name(settings, algorithm, private, message):
    sign_with(settings, algorithm, private())
    with pytest.raises(ImproperlyConfigured, match=message):
        signing_keys()


def test_a_public_key_that_is_not_the_private_keys_half_is_refused(settings):
    sign_with(settings, "RS256", rsa_pem(), public=public_pem(rsa_pem("b")))
    with pytest.raises(ImproperlyConfigured, match="not the public half of JWT_PRIVATE_KEY"):
        signing_keys()
    sign_with(settings, "RS256", rsa_pem(), public=public_pem(rsa_pem()))
    assert signing_keys().algorithm == "RS256"


def test_an_unfit_previous_key_is_refused_and_named(settings):
    sign_with(settings, "RS256", rsa_pem(), previous=[ec_pem()])
    settings.JWT_PREVIOUS_PUBLIC_KEYS = [*settings.JWT_PREVIOUS_PUBLIC_KEYS, "garbage"]
    with pytest.raises(ImproperlyConfigured, match=r"JWT_PREVIOUS_PUBLIC_KEYS \(key 2\)"):
        signing_keys()


@pytest.mark.parametrize(
    "token",
    [
        "not.a.token",
        "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJ1c2VyX2lkIjoiMSJ9.",  # alg "none"
        "W10.e30.c2ln",  # a header that is a JSON list
        "eyJhbGciOiJSUzI1NiIsImtpZCI6WzFdfQ.e30.c2ln",  # a kid that is a list
    ],
    ids=["garbage", "alg-none", "list-header", "list-kid"],
)
def test_malformed_tokens_are_refused_in_the_error_format(settings, token):
    sign_with(settings, "RS256", rsa_pem())
    assert_error(me(token), 401, "token_not_valid")
