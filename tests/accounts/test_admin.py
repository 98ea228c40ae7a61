"""Users, roles and API keys in the Django admin, through the test client."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.messages import get_messages
from django.test import Client

from accounts.models import ApiKey, User
from accounts.roles import ALL, ROLE_NAMES, role_permissions
from accounts.services import api_key_authenticate, api_key_hash
from tests.accounts.factories import PASSWORD, ApiKeyFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-passphrase-42"


@pytest.fixture
def admin_web(admin_user) -> Client:
    client = Client()
    client.force_login(admin_user)
    return client


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- Logging in -----------------------------------------------------------------------------


def test_administrator_logs_into_the_admin(admin_user):
    client = Client()
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "Admin@Example.com", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    index = client.get("/admin/")
    assert index.status_code == 200
    assert b"/admin/accounts/user/" in index.content


def test_user_without_a_role_cannot_log_into_the_admin():
    user = UserFactory()
    client = Client()
    response = client.post("/admin/login/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("role", ["Editor", "Author", "Reviewer", "Viewer"])
def test_other_roles_reach_the_admin_but_not_users_or_keys(role):
    client = Client()
    client.force_login(UserFactory(role=role))
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/accounts/user/").status_code == 403
    assert client.get("/admin/accounts/apikey/").status_code == 403
    assert client.get("/admin/accounts/user/add/").status_code == 403


# --- Users ----------------------------------------------------------------------------------


def test_user_changelist(admin_web):
    UserFactory(email="eddie@example.com", role=["Editor", "Reviewer"])
    response = admin_web.get("/admin/accounts/user/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "eddie@example.com" in html
    assert "Editor, Reviewer" in html
    assert admin_web.get("/admin/accounts/user/", {"q": "eddie"}).status_code == 200
    assert admin_web.get("/admin/accounts/user/", {"groups__id__exact": 1}).status_code == 200


def test_admin_creates_a_user_with_roles(admin_web):
    response = admin_web.post(
        "/admin/accounts/user/add/",
        {
            "email": "New.Editor@Example.com",
            "full_name": "New Editor",
            "password": NEW_PASSWORD,
            "roles": ["Editor", "Reviewer"],
        },
        follow=True,
    )
    assert response.redirect_chain == [("/admin/accounts/user/", 302)]
    user = User.objects.get(email="new.editor@example.com")
    assert user.roles == ["Editor", "Reviewer"]
    assert user.is_staff
    assert user.check_password(NEW_PASSWORD)
    assert not user.is_superuser
    # The confirmation links to the new user, and the history records the addition.
    change_url = f"/admin/accounts/user/{user.pk}/change/"
    assert any(change_url in m for m in _messages(response))
    history = admin_web.get(f"/admin/accounts/user/{user.pk}/history/")
    assert "Added." in history.content.decode()


def test_save_and_continue_opens_the_new_user(admin_web):
    response = admin_web.post(
        "/admin/accounts/user/add/",
        {"email": "cont@example.com", "full_name": "C", "password": NEW_PASSWORD, "_continue": "1"},
    )
    user = User.objects.get(email="cont@example.com")
    assert response["Location"] == f"/admin/accounts/user/{user.pk}/change/"
    assert admin_web.get(response["Location"]).status_code == 200


def test_admin_add_form_refuses_a_weak_password(admin_web):
    response = admin_web.post(
        "/admin/accounts/user/add/",
        {"email": "weak@example.com", "full_name": "W", "password": "123", "roles": ["Author"]},
    )
    assert response.status_code == 200
    assert "This password is too short" in response.content.decode()
    assert response.context["adminform"].form.errors["password"]
    assert not User.objects.filter(email="weak@example.com").exists()


def test_admin_add_form_refuses_a_duplicate_email(admin_web):
    UserFactory(email="taken@example.com")
    response = admin_web.post(
        "/admin/accounts/user/add/",
        {"email": "Taken@Example.com", "full_name": "T", "password": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert User.objects.filter(email__iexact="taken@example.com").count() == 1


def test_admin_changes_roles_and_deactivates(admin_web):
    user = UserFactory(role="Author")
    change = admin_web.get(f"/admin/accounts/user/{user.pk}/change/")
    assert change.status_code == 200
    response = admin_web.post(
        f"/admin/accounts/user/{user.pk}/change/",
        {
            "email": user.email,
            "full_name": "Promoted",
            "is_active": "on",
            "roles": ["Editor"],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user.refresh_from_db()
    assert user.roles == ["Editor"]
    assert user.full_name == "Promoted"

    response = admin_web.post(
        "/admin/accounts/user/",
        {"action": "deactivate_users", "_selected_action": [user.pk]},
        follow=True,
    )
    user.refresh_from_db()
    assert not user.is_active
    assert f"Deactivated {user.email}." in _messages(response)


def test_admin_cannot_deactivate_themselves_from_the_list(admin_web, admin_user):
    response = admin_web.post(
        "/admin/accounts/user/",
        {"action": "deactivate_users", "_selected_action": [admin_user.pk]},
        follow=True,
    )
    admin_user.refresh_from_db()
    assert admin_user.is_active
    assert any("cannot deactivate yourself" in m for m in _messages(response))


def test_admin_change_form_shows_a_service_refusal(admin_web, admin_user):
    response = admin_web.post(
        f"/admin/accounts/user/{admin_user.pk}/change/",
        {"email": admin_user.email, "full_name": "Ada", "is_active": "on", "roles": ["Viewer"]},
    )
    assert response.status_code == 200
    assert "You cannot remove your own Administrator role." in response.content.decode()
    admin_user.refresh_from_db()
    assert admin_user.roles == ["Administrator"]
    assert admin_user.full_name == "Ada Admin"  # nothing was half-saved


# --- API keys -------------------------------------------------------------------------------


def test_admin_creates_an_api_key_and_sees_it_once(admin_web, admin_user):
    robot = UserFactory(role="Viewer")
    response = admin_web.post(
        "/admin/accounts/apikey/add/",
        {
            "name": "Website",
            "user": robot.pk,
            "scopes": ["delivery:read", "content:read"],
            "expires_at_0": "",
            "expires_at_1": "",
        },
        follow=True,
    )
    assert response.status_code == 200
    shown = [m for m in _messages(response) if "folio_" in m]
    assert len(shown) == 1
    raw_key = re.search(r"(folio_\S+)", shown[0]).group(1)
    key = ApiKey.objects.get()
    assert (key.name, key.user, key.created_by) == ("Website", robot, admin_user)
    assert key.scopes == ["delivery:read", "content:read"]
    assert key.key_hash == api_key_hash(raw_key)
    assert api_key_authenticate(raw_key) == key
    # Never shown again.
    assert raw_key not in admin_web.get("/admin/accounts/apikey/").content.decode()
    detail = admin_web.get(f"/admin/accounts/apikey/{key.pk}/change/")
    assert detail.status_code == 200
    assert raw_key not in detail.content.decode()


def test_admin_api_key_form_refuses_bad_input(admin_web, admin_user):
    response = admin_web.post(
        "/admin/accounts/apikey/add/",
        {
            "name": "Old",
            "user": admin_user.pk,
            "scopes": ["content:read"],
            "expires_at_0": "2001-01-01",
            "expires_at_1": "00:00:00",
        },
    )
    assert response.status_code == 200
    assert "Must be in the future." in response.content.decode()
    assert not ApiKey.objects.exists()


def test_admin_revokes_api_keys(admin_web, admin_user):
    keys = [ApiKeyFactory(user=admin_user) for _ in range(2)]
    kept = ApiKeyFactory(user=admin_user)
    response = admin_web.post(
        "/admin/accounts/apikey/",
        {"action": "revoke_keys", "_selected_action": [k.pk for k in keys]},
        follow=True,
    )
    assert response.status_code == 200
    assert "Revoked 2 key(s)." in _messages(response)
    for key in keys:
        key.refresh_from_db()
        assert key.revoked_at is not None
        assert api_key_authenticate(key.raw_key) is None
    assert api_key_authenticate(kept.raw_key) == kept


# --- Roles ----------------------------------------------------------------------------------


def test_roles_are_the_five_groups():
    assert set(Group.objects.values_list("name", flat=True)) >= set(ROLE_NAMES)


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_role_groups_hold_exactly_the_matrix(role):
    group = Group.objects.get(name=role)
    held = {
        f"{app}.{codename}"
        for app, codename in group.permissions.values_list("content_type__app_label", "codename")
    }
    every = {
        f"{app}.{codename}"
        for app, codename in Permission.objects.values_list("content_type__app_label", "codename")
    }
    granted = role_permissions(role)
    assert held == (every if granted == ALL else set(granted) & every)


def test_only_administrators_manage_accounts():
    admin = UserFactory(role="Administrator")
    assert admin.has_perm("accounts.add_user")
    assert admin.has_perm("accounts.change_apikey")
    assert admin.has_perm("auth.view_group")
    for role in ROLE_NAMES[1:]:
        user = UserFactory(role=role)
        assert not user.has_perm("accounts.view_user"), role
        assert not user.has_perm("accounts.add_apikey"), role


def test_role_admin_is_read_only(admin_web):
    assert admin_web.get("/admin/auth/group/").status_code == 200
    group = Group.objects.get(name="Editor")
    assert admin_web.get(f"/admin/auth/group/{group.pk}/change/").status_code == 200
    assert admin_web.get("/admin/auth/group/add/").status_code == 403
    assert admin_web.get(f"/admin/auth/group/{group.pk}/delete/").status_code == 403
