"""The accounts API end to end: tokens, me, users, API keys, passwords."""

from __future__ import annotations

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import mail
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiKey, User
from accounts.services import api_key_hash
from tests.accounts.factories import PASSWORD, ApiKeyFactory, UserFactory
from tests.assertions import assert_error

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-passphrase-42"


def login(client: APIClient, email: str, password: str = PASSWORD) -> dict:
    response = client.post("/api/v1/auth/token/", {"email": email, "password": password})
    assert response.status_code == 200, response.content
    assert set(response.json()) == {"access", "refresh"}
    return response.json()


def authed(access: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client


def refresh(refresh_token: str):
    return APIClient().post("/api/v1/auth/token/refresh/", {"refresh": refresh_token})


# --- The administrator's first session ----------------------------------------------------


def test_admin_session_end_to_end(api_client, admin_user):
    tokens = login(api_client, "admin@example.com")
    admin = authed(tokens["access"])

    me = admin.get("/api/v1/auth/me/")
    assert me.status_code == 200
    assert me.json() == {
        "id": admin_user.pk,
        "email": "admin@example.com",
        "full_name": "Ada Admin",
        "roles": ["Administrator"],
        "is_active": True,
    }

    created = admin.post(
        "/api/v1/users/",
        {
            "email": "Aria.Author@Example.com",
            "full_name": "Aria Author",
            "password": NEW_PASSWORD,
            "roles": ["Author"],
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert set(body) == {"id", "email", "full_name", "roles", "is_active"}
    assert body["email"] == "aria.author@example.com"
    assert body["roles"] == ["Author"]
    assert body["is_active"] is True
    assert "password" not in created.content.decode()
    # The new author can log in, and is not an administrator.
    author_tokens = login(APIClient(), "aria.author@example.com", NEW_PASSWORD)
    assert_error(authed(author_tokens["access"]).get("/api/v1/users/"), 403)

    issued = admin.post("/api/v1/api-keys/", {"name": "Website", "scopes": ["delivery:read"]})
    assert issued.status_code == 201, issued.content
    raw_key = issued.json()["key"]
    assert raw_key.startswith("folio_")
    stored = ApiKey.objects.get(pk=issued.json()["id"])
    assert stored.key_hash == api_key_hash(raw_key)
    assert all(raw_key not in str(getattr(stored, f.attname)) for f in ApiKey._meta.concrete_fields)
    listed = admin.get("/api/v1/api-keys/")
    assert listed.status_code == 200
    assert raw_key not in listed.content.decode()
    assert all("key" not in item for item in listed.json()["results"])
    assert "key" not in admin.get(f"/api/v1/api-keys/{stored.pk}/").json()

    logout = api_client.post("/api/v1/auth/logout/", {"refresh": tokens["refresh"]})
    assert logout.status_code == 204
    assert_error(refresh(tokens["refresh"]), 401, "token_not_valid")
    assert_error(
        api_client.post("/api/v1/auth/logout/", {"refresh": tokens["refresh"]}),
        401,
        "token_not_valid",
    )


def test_login_is_case_insensitive_on_email(api_client, admin_user):
    login(api_client, "ADMIN@Example.COM")


def test_password_with_surrounding_spaces_logs_in_as_set(admin_client):
    spaced = "  spaced out passphrase 42  "
    created = admin_client.post(
        "/api/v1/users/", {"email": "space@example.com", "password": spaced, "roles": []}
    )
    assert created.status_code == 201
    login(APIClient(), "space@example.com", spaced)
    assert_error(
        APIClient().post(
            "/api/v1/auth/token/", {"email": "space@example.com", "password": spaced.strip()}
        ),
        401,
    )


def test_login_with_wrong_password_is_401(api_client, admin_user):
    response = api_client.post(
        "/api/v1/auth/token/", {"email": "admin@example.com", "password": "nope"}
    )
    error = assert_error(response, 401, "invalid_credentials")
    assert "password" not in error["details"]


def test_inactive_user_cannot_log_in(api_client):
    user = UserFactory(is_active=False)
    assert_error(
        api_client.post("/api/v1/auth/token/", {"email": user.email, "password": PASSWORD}),
        401,
        "invalid_credentials",
    )


def test_login_updates_last_login(api_client, admin_user):
    assert admin_user.last_login is None
    login(api_client, admin_user.email)
    admin_user.refresh_from_db()
    assert admin_user.last_login is not None


# --- Refresh rotation ---------------------------------------------------------------------


def test_refresh_rotates_and_blacklists_the_old_token(api_client, admin_user):
    tokens = login(api_client, admin_user.email)
    rotated = refresh(tokens["refresh"])
    assert rotated.status_code == 200
    new = rotated.json()
    assert set(new) == {"access", "refresh"}
    assert new["refresh"] != tokens["refresh"]
    assert authed(new["access"]).get("/api/v1/auth/me/").status_code == 200
    # The old refresh token was blacklisted by the rotation; the new one still works.
    assert_error(refresh(tokens["refresh"]), 401, "token_not_valid")
    assert refresh(new["refresh"]).status_code == 200


def test_access_token_is_not_a_refresh_token(api_client, admin_user):
    tokens = login(api_client, admin_user.email)
    assert_error(refresh(tokens["access"]), 401, "token_not_valid")
    assert_error(
        api_client.post("/api/v1/auth/logout/", {"refresh": tokens["access"]}),
        401,
        "token_not_valid",
    )


# --- Me -----------------------------------------------------------------------------------


def test_me_patch_changes_name_and_email(client_for):
    user = UserFactory(role="Author", email="old@example.com")
    response = client_for(user).patch(
        "/api/v1/auth/me/", {"full_name": "New Name", "email": "New@Example.com"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["full_name"] == "New Name"
    assert response.json()["email"] == "new@example.com"
    assert response.json()["roles"] == ["Author"]
    user.refresh_from_db()
    assert (user.full_name, user.email) == ("New Name", "new@example.com")


@pytest.mark.parametrize(
    "body", [{"roles": ["Administrator"]}, {"is_active": False}, {"is_staff": True}]
)
def test_me_patch_cannot_escalate(client_for, body):
    user = UserFactory(role="Author")
    assert_error(client_for(user).patch("/api/v1/auth/me/", body), 400, "validation_error")
    user.refresh_from_db()
    assert user.roles == ["Author"]
    assert user.is_active


def test_me_patch_refuses_an_email_in_use(client_for):
    UserFactory(email="taken@example.com")
    user = UserFactory()
    error = assert_error(
        client_for(user).patch("/api/v1/auth/me/", {"email": "TAKEN@example.com"}), 400
    )
    assert "email" in error["details"]


# --- Users ----------------------------------------------------------------------------------


def test_users_list_is_paginated_and_shaped(admin_client, admin_user):
    UserFactory.create_batch(3, role="Viewer")
    response = admin_client.get("/api/v1/users/", {"limit": 2})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 4
    assert len(body["results"]) == 2
    assert body["next"] is not None
    assert body["previous"] is None
    assert set(body["results"][0]) == {"id", "email", "full_name", "roles", "is_active"}
    second = admin_client.get(body["next"])
    assert len(second.json()["results"]) == 2
    assert second.json()["next"] is None


def test_users_list_filters_by_active(admin_client, admin_user):
    gone = UserFactory(is_active=False)
    response = admin_client.get("/api/v1/users/", {"is_active": "false"})
    assert [u["id"] for u in response.json()["results"]] == [gone.pk]


def test_users_list_query_count_does_not_grow(
    admin_client, admin_user, django_assert_max_num_queries
):
    UserFactory.create_batch(15, role=["Editor", "Reviewer"])
    with django_assert_max_num_queries(8):
        response = admin_client.get("/api/v1/users/", {"limit": 20})
    assert len(response.json()["results"]) == 16
    assert all(u["roles"] for u in response.json()["results"])


def test_admin_assigns_roles_and_deactivates(admin_client, admin_user, client_for):
    user = UserFactory(role="Author")
    changed = admin_client.patch(
        f"/api/v1/users/{user.pk}/", {"roles": ["Reviewer", "Editor"], "full_name": "Ed"}
    )
    assert changed.status_code == 200, changed.content
    # Roles come back in matrix order, whatever order they were sent in.
    assert changed.json()["roles"] == ["Editor", "Reviewer"]
    assert changed.json()["full_name"] == "Ed"

    user_client = client_for(user)
    deactivated = admin_client.post(f"/api/v1/users/{user.pk}/deactivate/")
    assert deactivated.status_code == 200
    assert deactivated.json()["is_active"] is False
    assert_error(user_client.get("/api/v1/auth/me/"), 401, "user_inactive")


def test_roles_can_be_removed(admin_client):
    user = UserFactory(role="Editor")
    response = admin_client.patch(f"/api/v1/users/{user.pk}/", {"roles": []})
    assert response.json()["roles"] == []
    user.refresh_from_db()
    assert not user.is_staff  # no role, no admin access


def test_admin_cannot_deactivate_or_demote_themselves(admin_client, admin_user):
    error = assert_error(admin_client.post(f"/api/v1/users/{admin_user.pk}/deactivate/"), 400)
    assert "is_active" in error["details"]
    error = assert_error(
        admin_client.patch(f"/api/v1/users/{admin_user.pk}/", {"roles": ["Viewer"]}), 400
    )
    assert "roles" in error["details"]
    admin_user.refresh_from_db()
    assert admin_user.is_active
    assert admin_user.roles == ["Administrator"]


def test_deactivated_users_tokens_are_refused(api_client, admin_client):
    user = UserFactory(role="Editor")
    tokens = login(api_client, user.email)
    assert admin_client.post(f"/api/v1/users/{user.pk}/deactivate/").status_code == 200

    assert_error(authed(tokens["access"]).get("/api/v1/auth/me/"), 401, "user_inactive")
    assert_error(refresh(tokens["refresh"]), 401, "token_not_valid")
    assert_error(
        api_client.post("/api/v1/auth/token/", {"email": user.email, "password": PASSWORD}), 401
    )


def test_reactivated_user_needs_a_new_login(api_client, admin_client):
    user = UserFactory(role="Editor")
    tokens = login(api_client, user.email)
    admin_client.post(f"/api/v1/users/{user.pk}/deactivate/")
    assert admin_client.patch(f"/api/v1/users/{user.pk}/", {"is_active": True}).status_code == 200
    # Refresh tokens issued before the deactivation stay dead.
    assert_error(refresh(tokens["refresh"]), 401, "token_not_valid")
    login(api_client, user.email)


# --- API keys -------------------------------------------------------------------------------


def test_api_key_authenticates_and_records_use(admin_client, admin_user):
    issued = admin_client.post(
        "/api/v1/api-keys/", {"name": "Robot", "scopes": ["content:read", "delivery:read"]}
    ).json()
    assert issued["user"] == admin_user.pk
    assert issued["last_used_at"] is None
    assert issued["is_usable"] is True

    key_client = APIClient()
    key_client.credentials(HTTP_AUTHORIZATION=f"Api-Key {issued['key']}")
    # Keys cannot manage accounts, but they do authenticate: 403, not 401.
    assert_error(key_client.get("/api/v1/auth/me/"), 403)
    assert ApiKey.objects.get(pk=issued["id"]).last_used_at is not None

    revoked = admin_client.post(f"/api/v1/api-keys/{issued['id']}/revoke/")
    assert revoked.status_code == 200
    assert revoked.json()["revoked_at"] is not None
    assert revoked.json()["is_usable"] is False
    assert_error(key_client.get("/api/v1/auth/me/"), 401, "invalid_api_key")


def test_api_key_for_another_user_with_expiry(admin_client):
    robot = UserFactory(role="Viewer")
    expires = (timezone.now() + timedelta(days=30)).replace(microsecond=0)
    response = admin_client.post(
        "/api/v1/api-keys/",
        {
            "name": "Viewer bot",
            "scopes": ["content:read"],
            "user": robot.pk,
            "expires_at": expires.isoformat(),
        },
    )
    assert response.status_code == 201, response.content
    key = ApiKey.objects.get(pk=response.json()["id"])
    assert key.user == robot
    assert key.expires_at == expires


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "x", "scopes": []}, "scopes"),
        ({"name": "x", "scopes": ["everything"]}, "scopes"),
        ({"scopes": ["content:read"]}, "name"),
        ({"name": "x", "scopes": ["content:read"], "expires_at": "2001-01-01T00:00:00Z"}, None),
        ({"name": "x", "scopes": ["content:read"], "expires_at": "tomorrow"}, "expires_at"),
        ({"name": "x", "scopes": ["content:read"], "user": 999999}, "user"),
    ],
)
def test_api_key_create_validation(admin_client, body, field):
    error = assert_error(admin_client.post("/api/v1/api-keys/", body), 400, "validation_error")
    assert (field or "expires_at") in error["details"]
    assert not ApiKey.objects.exists()


def test_expired_api_key_is_refused(api_client):
    key = ApiKeyFactory()
    ApiKey.objects.filter(pk=key.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    api_client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key.raw_key}")
    assert_error(api_client.get("/api/v1/auth/me/"), 401, "invalid_api_key")


def test_deactivated_users_api_key_is_refused(api_client, admin_client):
    owner = UserFactory(role="Editor")
    key = ApiKeyFactory(user=owner)
    api_client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key.raw_key}")
    assert_error(api_client.get("/api/v1/auth/me/"), 403)
    admin_client.post(f"/api/v1/users/{owner.pk}/deactivate/")
    assert_error(api_client.get("/api/v1/auth/me/"), 401, "invalid_api_key")


# --- Passwords ------------------------------------------------------------------------------


def test_password_change_voids_earlier_tokens(api_client):
    user = UserFactory(role="Editor")
    first = login(api_client, user.email)
    second = login(APIClient(), user.email)

    response = authed(first["access"]).post(
        "/api/v1/auth/password/change/",
        {"old_password": PASSWORD, "new_password": NEW_PASSWORD},
    )
    assert response.status_code == 204

    for tokens in (first, second):
        assert_error(authed(tokens["access"]).get("/api/v1/auth/me/"), 401, "password_changed")
        assert_error(refresh(tokens["refresh"]), 401, "token_not_valid")
    assert_error(
        api_client.post("/api/v1/auth/token/", {"email": user.email, "password": PASSWORD}), 401
    )
    fresh = login(api_client, user.email, NEW_PASSWORD)
    assert authed(fresh["access"]).get("/api/v1/auth/me/").status_code == 200


def test_password_change_needs_the_old_password(client_for):
    user = UserFactory()
    error = assert_error(
        client_for(user).post(
            "/api/v1/auth/password/change/",
            {"old_password": "wrong", "new_password": NEW_PASSWORD},
        ),
        400,
    )
    assert "old_password" in error["details"]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


@pytest.mark.parametrize("weak", ["short", "password123", "12345678901", "user-example"])
def test_password_change_refuses_weak_passwords(client_for, weak):
    user = UserFactory(email="user-example@example.com")
    error = assert_error(
        client_for(user).post(
            "/api/v1/auth/password/change/", {"old_password": PASSWORD, "new_password": weak}
        ),
        400,
        "validation_error",
    )
    assert error["details"]["new_password"]
    assert "password" in error["message"].lower()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def _reset_code_from(message) -> dict:
    match = re.search(r"uid=(\S+) token=(\S+)", message.body)
    assert match, message.body
    return {"uid": match.group(1), "token": match.group(2)}


def request_reset(client: APIClient, email: str, capture) -> dict:
    with capture(execute=True):
        response = client.post("/api/v1/auth/password/reset/", {"email": email})
    assert response.status_code == 202
    return response.json()


def test_password_reset_reveals_nothing(api_client, django_capture_on_commit_callbacks):
    UserFactory(email="known@example.com")
    known = request_reset(api_client, "known@example.com", django_capture_on_commit_callbacks)
    unknown = request_reset(api_client, "nobody@example.com", django_capture_on_commit_callbacks)
    assert known == unknown
    assert [m.to for m in mail.outbox] == [["known@example.com"]]


def test_password_reset_ignores_inactive_users(api_client, django_capture_on_commit_callbacks):
    UserFactory(email="gone@example.com", is_active=False)
    request_reset(api_client, "gone@example.com", django_capture_on_commit_callbacks)
    assert mail.outbox == []


def test_password_reset_works_once(api_client, settings, django_capture_on_commit_callbacks):
    user = UserFactory(email="forgetful@example.com")
    old_tokens = login(api_client, user.email)
    request_reset(api_client, "Forgetful@Example.com", django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["forgetful@example.com"]
    code = _reset_code_from(message)
    assert settings.PASSWORD_RESET_URL.format(**code) in message.body

    confirm = {**code, "new_password": NEW_PASSWORD}
    assert api_client.post("/api/v1/auth/password/reset/confirm/", confirm).status_code == 204
    login(api_client, user.email, NEW_PASSWORD)
    # Tokens from before the reset are dead.
    assert_error(authed(old_tokens["access"]).get("/api/v1/auth/me/"), 401)
    assert_error(refresh(old_tokens["refresh"]), 401)

    again = {**code, "new_password": "yet-another-passphrase-7"}
    error = assert_error(
        api_client.post("/api/v1/auth/password/reset/confirm/", again), 400, "validation_error"
    )
    assert "token" in error["details"]
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_password_reset_token_expires(api_client, settings, django_capture_on_commit_callbacks):
    settings.PASSWORD_RESET_TIMEOUT = 60 * 60
    UserFactory(email="slow@example.com")
    # The email is sent, then the user comes back two hours later.
    two_hours_ago = timezone.now().replace(tzinfo=None) - timedelta(hours=2)
    with mock.patch.object(PasswordResetTokenGenerator, "_now", return_value=two_hours_ago):
        request_reset(api_client, "slow@example.com", django_capture_on_commit_callbacks)
    code = _reset_code_from(mail.outbox[0])
    error = assert_error(
        api_client.post(
            "/api/v1/auth/password/reset/confirm/", {**code, "new_password": NEW_PASSWORD}
        ),
        400,
    )
    assert "token" in error["details"]
    assert User.objects.get(email="slow@example.com").check_password(PASSWORD)


@pytest.mark.parametrize(
    "code",
    [
        {"uid": "bm9wZQ", "token": "abc-def"},
        {"uid": "!!!", "token": "abc"},
        {"uid": "OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OQ", "token": "abc"},  # a huge id
    ],
)
def test_password_reset_confirm_with_a_bad_code(api_client, code):
    error = assert_error(
        api_client.post(
            "/api/v1/auth/password/reset/confirm/", {**code, "new_password": NEW_PASSWORD}
        ),
        400,
    )
    assert "token" in error["details"]


def test_password_reset_confirm_refuses_a_weak_password(
    api_client, django_capture_on_commit_callbacks
):
    UserFactory(email="weak@example.com")
    request_reset(api_client, "weak@example.com", django_capture_on_commit_callbacks)
    code = _reset_code_from(mail.outbox[0])
    error = assert_error(
        api_client.post("/api/v1/auth/password/reset/confirm/", {**code, "new_password": "123"}),
        400,
    )
    assert "new_password" in error["details"]
    # The code was not used up by the refusal.
    ok = api_client.post(
        "/api/v1/auth/password/reset/confirm/", {**code, "new_password": NEW_PASSWORD}
    )
    assert ok.status_code == 204
