"""The permission matrix: every principal against every accounts endpoint.

Principals are the five roles, an anonymous client and an API key (an Administrator's key
with every scope, the strongest key there is). Public auth endpoints behave the same for
everyone; `me` and password change are for signed-in people; `users/` and `api-keys/` are
for Administrators only. A refused request must change nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.models import ApiKey, User
from accounts.roles import ROLE_NAMES
from tests.accounts.conftest import bearer
from tests.accounts.factories import PASSWORD, ApiKeyFactory, UserFactory
from tests.assertions import assert_error

pytestmark = pytest.mark.django_db

ANONYMOUS = "anonymous"
API_KEY = "api_key"
PRINCIPALS = [*ROLE_NAMES, ANONYMOUS, API_KEY]
NEW_PASSWORD = "a-brand-new-passphrase-42"


@dataclass
class Ctx:
    subject: User  # the caller, or whose credentials a public endpoint receives
    target: User  # a user an Administrator would manage
    target_key: ApiKey


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    path: str  # formatted with the Ctx
    body: object = None  # a dict, or a callable taking the Ctx

    def url(self, ctx: Ctx) -> str:
        return "/api/v1/" + self.path.format(target=ctx.target.pk, key=ctx.target_key.pk)

    def data(self, ctx: Ctx):
        return self.body(ctx) if callable(self.body) else self.body


def _reset_code(ctx: Ctx) -> dict:
    return {
        "uid": urlsafe_base64_encode(force_bytes(ctx.subject.pk)),
        "token": default_token_generator.make_token(ctx.subject),
        "new_password": NEW_PASSWORD,
    }


PUBLIC, SELF, ADMIN = "public", "self", "admin"

ENDPOINTS = [
    (
        PUBLIC,
        200,
        Endpoint(
            "token",
            "post",
            "auth/token/",
            lambda c: {"email": c.subject.email, "password": PASSWORD},
        ),
    ),
    (
        PUBLIC,
        200,
        Endpoint(
            "token-refresh",
            "post",
            "auth/token/refresh/",
            lambda c: {"refresh": str(RefreshToken.for_user(c.subject))},
        ),
    ),
    (
        PUBLIC,
        204,
        Endpoint(
            "logout",
            "post",
            "auth/logout/",
            lambda c: {"refresh": str(RefreshToken.for_user(c.subject))},
        ),
    ),
    (SELF, 200, Endpoint("me-get", "get", "auth/me/")),
    (SELF, 200, Endpoint("me-patch", "patch", "auth/me/", {"full_name": "Renamed Me"})),
    (
        SELF,
        204,
        Endpoint(
            "password-change",
            "post",
            "auth/password/change/",
            {"old_password": PASSWORD, "new_password": NEW_PASSWORD},
        ),
    ),
    (
        PUBLIC,
        202,
        Endpoint(
            "password-reset", "post", "auth/password/reset/", lambda c: {"email": c.subject.email}
        ),
    ),
    (
        PUBLIC,
        204,
        Endpoint("password-reset-confirm", "post", "auth/password/reset/confirm/", _reset_code),
    ),
    (ADMIN, 200, Endpoint("users-list", "get", "users/")),
    (ADMIN, 200, Endpoint("users-retrieve", "get", "users/{target}/")),
    (
        ADMIN,
        201,
        Endpoint(
            "users-create",
            "post",
            "users/",
            {
                "email": "new.author@example.com",
                "full_name": "New Author",
                "password": NEW_PASSWORD,
                "roles": ["Author"],
            },
        ),
    ),
    (
        ADMIN,
        200,
        Endpoint("users-partial-update", "patch", "users/{target}/", {"full_name": "Renamed"}),
    ),
    (ADMIN, 200, Endpoint("users-deactivate", "post", "users/{target}/deactivate/")),
    (ADMIN, 200, Endpoint("api-keys-list", "get", "api-keys/")),
    (ADMIN, 200, Endpoint("api-keys-retrieve", "get", "api-keys/{key}/")),
    (
        ADMIN,
        201,
        Endpoint(
            "api-keys-create", "post", "api-keys/", {"name": "CI", "scopes": ["content:read"]}
        ),
    ),
    (ADMIN, 200, Endpoint("api-keys-revoke", "post", "api-keys/{key}/revoke/")),
]


def expected_status(kind: str, success: int, principal: str) -> int:
    if kind == PUBLIC:
        return success  # credentials in headers are ignored; the body decides
    if principal == ANONYMOUS:
        return 401
    if principal == API_KEY:
        return 403  # keys are for machines; accounts are managed by people
    if kind == SELF or principal == "Administrator":
        return success
    return 403


def _client(principal: str) -> tuple[APIClient, User]:
    client = APIClient()
    if principal == ANONYMOUS:
        return client, UserFactory()
    if principal == API_KEY:
        key = ApiKeyFactory()
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key.raw_key}")
        return client, key.user
    user = UserFactory(role=principal)
    client.credentials(HTTP_AUTHORIZATION=bearer(user))
    return client, user


def _state(ctx: Ctx) -> tuple:
    ctx.subject.refresh_from_db()
    ctx.target.refresh_from_db()
    ctx.target_key.refresh_from_db()
    return (
        User.objects.count(),
        ApiKey.objects.count(),
        ctx.subject.password,
        ctx.subject.full_name,
        ctx.target.is_active,
        ctx.target.full_name,
        ctx.target_key.revoked_at,
    )


@pytest.mark.parametrize("principal", PRINCIPALS)
@pytest.mark.parametrize(
    ("kind", "success", "endpoint"), ENDPOINTS, ids=[e.name for _, _, e in ENDPOINTS]
)
def test_permission_matrix(principal, kind, success, endpoint):
    client, subject = _client(principal)
    ctx = Ctx(subject=subject, target=UserFactory(role="Author"), target_key=ApiKeyFactory())
    before = _state(ctx)

    response = getattr(client, endpoint.method)(
        endpoint.url(ctx), endpoint.data(ctx), format="json"
    )

    expected = expected_status(kind, success, principal)
    assert response.status_code == expected, response.content[:300]
    if expected == 401:
        assert_error(response, 401, "not_authenticated")
        assert response.has_header("WWW-Authenticate")
    elif expected == 403:
        assert_error(response, 403)
    if expected >= 400:
        assert _state(ctx) == before, "a refused request changed something"
