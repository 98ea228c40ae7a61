"""Bad input gets the right 4xx in the error format, never a 500.

The test client re-raises any exception a view lets escape, so a 500 fails these tests.
"""

from __future__ import annotations

from datetime import timedelta

import jwt
import pytest
from django.conf import settings
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from accounts.models import ApiKey, User
from tests.accounts.factories import PASSWORD, ApiKeyFactory, UserFactory
from tests.assertions import assert_error

pytestmark = pytest.mark.django_db

NEW_USER = {
    "email": "new@example.com",
    "full_name": "New Person",
    "password": "a-brand-new-passphrase-42",
    "roles": ["Author"],
}


def _raw(client: APIClient, path: str, body: bytes | str, content_type: str, **extra):
    return client.generic("POST", path, body, content_type=content_type, **extra)


# --- Parsing --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body", ['{"email": "a@b.c", "password": ', "not json", "{'single': 'quotes'}", b"\xff\xfe{}"]
)
def test_malformed_json_is_a_parse_error(api_client, body):
    response = _raw(api_client, "/api/v1/auth/token/", body, "application/json")
    assert_error(response, 400, "parse_error")


def test_malformed_json_on_an_authenticated_endpoint(admin_client):
    response = _raw(admin_client, "/api/v1/users/", "{", "application/json")
    assert_error(response, 400, "parse_error")


def test_json_nested_too_deeply_to_decode(api_client):
    body = "[" * 100_000 + "]" * 100_000
    response = _raw(api_client, "/api/v1/auth/token/", body, "application/json")
    assert_error(response, 400, "parse_error")


@pytest.mark.parametrize("depth", [50, 500, 900])
def test_deeply_nested_field_values(admin_client, depth):
    body = '{"email": "n@example.com", "password": "x", "roles": ' + "[" * depth + "]" * depth
    response = _raw(admin_client, "/api/v1/users/", body + "}", "application/json")
    assert_error(response, 400)


@pytest.mark.parametrize("body", ["[]", '"a string"', "42", "null"])
def test_a_body_that_is_not_an_object(admin_client, body):
    response = _raw(admin_client, "/api/v1/users/", body, "application/json")
    assert_error(response, 400, "validation_error")
    assert User.objects.count() == 1


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml"]
)
def test_wrong_content_type(api_client, content_type):
    response = _raw(api_client, "/api/v1/auth/token/", "email=a@b.c&password=x", content_type)
    assert_error(response, 415, "unsupported_media_type")


def test_huge_body_is_refused_before_parsing(admin_client):
    padding = "x" * (settings.API_MAX_BODY_SIZE + 1)
    body = f'{{"email": "big@example.com", "full_name": "{padding}"}}'
    error = assert_error(
        _raw(admin_client, "/api/v1/users/", body, "application/json"), 413, "request_too_large"
    )
    assert error["details"]["limit"] == settings.API_MAX_BODY_SIZE
    assert not User.objects.filter(email="big@example.com").exists()


def test_huge_body_on_a_public_endpoint(api_client):
    body = "[" + "1," * settings.API_MAX_BODY_SIZE + "1]"
    assert_error(_raw(api_client, "/api/v1/auth/token/", body, "application/json"), 413)


def test_invalid_content_length(api_client):
    response = _raw(
        api_client, "/api/v1/auth/token/", "{}", "application/json", CONTENT_LENGTH="lots"
    )
    assert_error(response, 400)


# --- Validation -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"email": 123}, "email"),
        ({"email": "not-an-email"}, "email"),
        ({"email": ["a@b.c"]}, "email"),
        ({"full_name": {"first": "A"}}, "full_name"),
        ({"full_name": "x" * 151}, "full_name"),
        ({"password": None}, "password"),
        ({"password": 12345}, "password"),
        ({"roles": "Author"}, "roles"),
        ({"roles": [1]}, "roles"),
        ({"roles": ["Overlord"]}, "roles"),
    ],
)
def test_users_create_wrong_types(admin_client, override, field):
    error = assert_error(
        admin_client.post("/api/v1/users/", {**NEW_USER, **override}), 400, "validation_error"
    )
    assert field in error["details"], error
    assert not User.objects.filter(email="new@example.com").exists()


@pytest.mark.parametrize("missing", ["email", "password"])
def test_users_create_missing_fields(admin_client, missing):
    body = {k: v for k, v in NEW_USER.items() if k != missing}
    error = assert_error(admin_client.post("/api/v1/users/", body), 400, "validation_error")
    assert missing in error["details"]


@pytest.mark.parametrize(
    ("path", "method", "body"),
    [
        ("/api/v1/users/", "post", {**NEW_USER, "is_superuser": True}),
        ("/api/v1/auth/me/", "patch", {"full_name": "A", "is_staff": True}),
        ("/api/v1/auth/me/", "patch", {"fullname": "typo"}),
        ("/api/v1/api-keys/", "post", {"name": "k", "scopes": ["content:read"], "prefix": "x"}),
        ("/api/v1/auth/token/", "post", {"email": "admin@example.com", "password": "x", "otp": 1}),
        ("/api/v1/auth/password/reset/", "post", {"email": "admin@example.com", "admin": True}),
    ],
)
def test_unknown_fields_are_refused(admin_client, admin_user, path, method, body):
    error = assert_error(getattr(admin_client, method)(path, body), 400, "validation_error")
    unknown = (set(body) - {"email", "password", "full_name", "roles", "name", "scopes"}).pop()
    assert unknown in error["details"]
    admin_user.refresh_from_db()
    assert not admin_user.is_superuser
    assert admin_user.full_name == "Ada Admin"


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("post", "/api/v1/users/", {**NEW_USER, "full_name": "Nul\x00Byte"}, "full_name"),
        ("post", "/api/v1/users/", {**NEW_USER, "password": "pass\x00phrase-long"}, "password"),
        ("patch", "/api/v1/auth/me/", {"full_name": "\x00"}, "full_name"),
        ("post", "/api/v1/api-keys/", {"name": "k\x00", "scopes": ["content:read"]}, "name"),
        ("post", "/api/v1/auth/token/", {"email": "a@b.co", "password": "\x00"}, "password"),
        ("post", "/api/v1/auth/password/reset/", {"email": "a\x00@b.co"}, "email"),
    ],
)
def test_nul_bytes_are_refused(admin_client, method, path, body, field):
    # PostgreSQL cannot store NUL; it must be a 400 before any query, on every database.
    error = assert_error(getattr(admin_client, method)(path, body), 400, "validation_error")
    assert field in error["details"]


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/v1/auth/token/", {"email": "a@b.co", "password": "x" * 129}, "password"),
        ("/api/v1/auth/token/", {"email": "a" * 250 + "@b.co", "password": "x"}, "email"),
        ("/api/v1/auth/password/change/", {"old_password": "x", "new_password": "y" * 129}, None),
        ("/api/v1/api-keys/", {"name": "k", "scopes": ["content:read"], "user": 10**20}, "user"),
        ("/api/v1/api-keys/", {"name": "k" * 101, "scopes": ["content:read"]}, "name"),
    ],
)
def test_oversized_values_are_refused(admin_client, path, body, field):
    error = assert_error(admin_client.post(path, body), 400, "validation_error")
    assert (field or "new_password") in error["details"]


def test_users_partial_update_wrong_types(admin_client):
    user = UserFactory()
    for body in ({"is_active": "maybe"}, {"roles": None}, {"email": ""}):
        error = assert_error(admin_client.patch(f"/api/v1/users/{user.pk}/", body), 400)
        assert set(body) <= set(error["details"])
    user.refresh_from_db()
    assert user.is_active


def test_weak_password_on_user_create(admin_client):
    error = assert_error(
        admin_client.post("/api/v1/users/", {**NEW_USER, "password": "password"}),
        400,
        "validation_error",
    )
    assert error["details"]["password"]
    assert "password" in error["message"]
    assert not User.objects.filter(email="new@example.com").exists()


def test_password_similar_to_email_is_refused(admin_client):
    body = {**NEW_USER, "email": "margaret.hamilton@example.com", "password": "margarethamilton"}
    error = assert_error(admin_client.post("/api/v1/users/", body), 400)
    assert "password" in error["details"]


@pytest.mark.parametrize("email", ["taken@example.com", "TAKEN@Example.com", " Taken@example.com"])
def test_duplicate_email_is_refused_case_insensitively(admin_client, email):
    UserFactory(email="taken@example.com")
    error = assert_error(
        admin_client.post("/api/v1/users/", {**NEW_USER, "email": email}), 400, "validation_error"
    )
    assert "email" in error["details"]
    assert User.objects.filter(email__iexact="taken@example.com").count() == 1


def test_duplicate_email_on_user_update(admin_client):
    UserFactory(email="taken@example.com")
    other = UserFactory()
    error = assert_error(
        admin_client.patch(f"/api/v1/users/{other.pk}/", {"email": "Taken@example.com"}), 400
    )
    assert "email" in error["details"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": "0"}, "limit"),
        ({"limit": "101"}, "limit"),
        ({"limit": "-5"}, "limit"),
        ({"limit": "abc"}, "limit"),
        ({"limit": "1.5"}, "limit"),
        ({"limit": ""}, "limit"),
        ({"page": "0"}, "page"),
        ({"page": "-1"}, "page"),
        ({"page": "abc"}, "page"),
        ({"page": "²"}, "page"),
        ({"page": ""}, "page"),
        ({"is_active": "maybe"}, "is_active"),
    ],
)
def test_bad_list_parameters(admin_client, params, field):
    error = assert_error(admin_client.get("/api/v1/users/", params), 400, "validation_error")
    assert field in error["details"]


def test_page_past_the_end_is_404(admin_client):
    assert_error(admin_client.get("/api/v1/users/", {"page": "99"}), 404, "not_found")


@pytest.mark.parametrize("user_id", ["999999", "abc", "99999999999999999999999", "-1"])
def test_unknown_user_is_404(admin_client, user_id):
    assert_error(admin_client.get(f"/api/v1/users/{user_id}/"), 404, "not_found")
    assert_error(admin_client.post(f"/api/v1/users/{user_id}/deactivate/"), 404, "not_found")


def test_unknown_api_key_is_404(admin_client):
    assert_error(admin_client.post("/api/v1/api-keys/424242/revoke/"), 404, "not_found")


def test_unknown_api_path_is_404_json(api_client):
    assert_error(api_client.get("/api/v1/no-such-thing/"), 404, "not_found")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("delete", "/api/v1/users/{id}/"),
        ("put", "/api/v1/users/{id}/"),
        ("delete", "/api/v1/auth/me/"),
        ("put", "/api/v1/auth/me/"),
        ("get", "/api/v1/auth/token/"),
        ("get", "/api/v1/auth/logout/"),
        ("get", "/api/v1/users/{id}/deactivate/"),
        ("put", "/api/v1/api-keys/{key}/"),  # PATCH sets its limits; nothing replaces it
        ("delete", "/api/v1/api-keys/{key}/"),
    ],
)
def test_wrong_method_is_405(admin_client, admin_user, method, path):
    key = ApiKeyFactory()
    url = path.format(id=admin_user.pk, key=key.pk)
    response = getattr(admin_client, method)(url, {})
    assert_error(response, 405, "method_not_allowed")
    assert User.objects.filter(pk=admin_user.pk).exists()
    assert ApiKey.objects.filter(pk=key.pk).exists()


# --- Credentials ----------------------------------------------------------------------------


def _get_me(authorization: str | None):
    client = APIClient()
    if authorization is not None:
        client.credentials(HTTP_AUTHORIZATION=authorization)
    return client.get("/api/v1/auth/me/")


def test_missing_credentials(db):
    response = _get_me(None)
    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_expired_access_token(admin_user):
    token = AccessToken.for_user(admin_user)
    token.set_exp(from_time=timezone.now() - timedelta(hours=1))
    assert_error(_get_me(f"Bearer {token}"), 401, "token_not_valid")


def test_forged_access_token(admin_user):
    genuine = AccessToken.for_user(admin_user)
    forged = jwt.encode(
        dict(genuine.payload), "someone-elses-signing-key-" + "x" * 40, algorithm="HS256"
    )
    assert_error(_get_me(f"Bearer {forged}"), 401, "token_not_valid")


def test_unsigned_access_token(admin_user):
    payload = dict(AccessToken.for_user(admin_user).payload)
    unsigned = jwt.encode(payload, key=None, algorithm="none")
    assert_error(_get_me(f"Bearer {unsigned}"), 401, "token_not_valid")


def test_tampered_access_token(admin_user):
    viewer = UserFactory(role="Viewer")
    header, _, signature = str(AccessToken.for_user(viewer)).split(".")
    admin_payload = str(AccessToken.for_user(admin_user)).split(".")[1]
    assert_error(_get_me(f"Bearer {header}.{admin_payload}.{signature}"), 401, "token_not_valid")


def test_refresh_token_is_not_an_access_token(api_client, admin_user):
    tokens = api_client.post(
        "/api/v1/auth/token/", {"email": admin_user.email, "password": PASSWORD}
    ).json()
    assert_error(_get_me(f"Bearer {tokens['refresh']}"), 401, "token_not_valid")


def test_token_of_a_deleted_user(admin_user):
    token = AccessToken.for_user(UserFactory())
    User.objects.filter(pk=token["user_id"]).delete()
    assert_error(_get_me(f"Bearer {token}"), 401, "user_not_found")


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer",
        "Bearer ",
        "Bearer not.a.jwt",
        "Bearer a b",
        "Bearer " + "x" * 5000,
        "Api-Key",
        "Api-Key garbage",
        "Api-Key folio_",
        "Api-Key folio_deadbeef_not-the-secret",
        "Api-Key folio_\x00\x00_x",
        "Api-Key folio_" + "a" * 300 + "_x",
        "Api-Key a b",
    ],
)
def test_garbage_credentials_are_401(db, authorization):
    error = assert_error(_get_me(authorization), 401)
    assert error["code"] in {
        "authentication_failed",
        "bad_authorization_header",
        "token_not_valid",
        "invalid_api_key",
    }


def test_api_key_with_a_guessed_secret(db):
    key = ApiKeyFactory()
    prefix = key.raw_key.rsplit("_", 1)[0]
    assert_error(_get_me(f"Api-Key {prefix}_guessed"), 401, "invalid_api_key")


def test_unknown_scheme_is_unauthenticated(db):
    assert_error(_get_me("Basic YWRtaW46YWRtaW4="), 401, "not_authenticated")


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        # A lookup, not a CharField: it used to reach PostgreSQL and answer 500.
        ("/api/v1/categories/", {"name": "News", "locale": "e\x00n"}, "locale"),
        (
            "/api/v1/articles/",
            {"title": "T", "body": [{"type": "paragraph", "value": {"text": "a\x00b"}}]},
            "body.0.value.text",
        ),
        ("/api/v1/articles/", {"title": "T", "seo\x00": 1}, "seo\\x00"),
    ],
)
def test_nul_anywhere_in_a_json_body_is_refused_with_where(admin_client, path, body, field):
    response = admin_client.post(path, body, format="json")
    error = assert_error(response, 400, "validation_error")
    assert error["details"][field] == ["NUL characters are not allowed."]
