"""Sessions: each user lists and ends their own browser sessions and API refresh tokens; an
Administrator ends all of a user's at once (also on deactivation). Audited.

Browsers are real test clients signed in through the admin's login form, so "signed out"
means what a user sees: the admin sends them back to the login page.
"""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from rest_framework.test import APIClient

from accounts import services, user_sessions
from accounts.models import UserSession
from governance.audit.models import AuditEvent
from tests.accounts.factories import PASSWORD, UserFactory
from tests.accounts.test_settings import _settings
from tests.assertions import assert_error
from tests.core.test_admin_theme import sidebar

pytestmark = pytest.mark.django_db

FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
CHROME = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"
)
SESSIONS = "/api/v1/auth/sessions/"


def browser(user, agent: str = FIREFOX, ip: str = "127.0.0.1") -> Client:
    """A browser signed in to the admin through its login form."""
    client = Client(HTTP_USER_AGENT=agent, REMOTE_ADDR=ip)
    response = client.post("/admin/login/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content[:300]
    return client


def signed_in(client: Client) -> bool:
    """Whether the admin's index opens (rather than sending the browser to log in)."""
    response = client.get("/admin/")
    return response.status_code == 200


def api_tokens(user, agent: str = "folio-app/2.1") -> dict:
    client = APIClient(HTTP_USER_AGENT=agent)
    response = client.post("/api/v1/auth/token/", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 200, response.content
    return response.json()


def bearer(access: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client


def refresh(token: str):
    return APIClient().post("/api/v1/auth/token/refresh/", {"refresh": token})


@pytest.fixture
def editor():
    return UserFactory(email="eve@example.com", role="Editor")


@pytest.fixture
def administrator():
    return UserFactory(email="ada@example.com", role="Administrator")


def audited(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


# --- Listing ---------------------------------------------------------------------------------


def test_the_list_shows_the_users_own_browsers_and_tokens_only(editor, administrator):
    browser(editor, FIREFOX, "203.0.113.7")
    browser(editor, CHROME)
    browser(administrator)
    tokens = api_tokens(editor)

    response = bearer(tokens["access"]).get(SESSIONS)

    assert response.status_code == 200
    rows = response.json()
    assert sorted(row["kind"] for row in rows) == ["api", "browser", "browser"]
    devices = {row["device"] for row in rows}
    assert {"Firefox 128 on Windows", "Chrome 126 on Mac OS X"} <= devices
    assert "203.0.113.7" in {row["ip"] for row in rows}
    assert all(row["last_seen_at"] for row in rows)
    own = set(UserSession.objects.filter(user=editor).values_list("pk", flat=True))
    assert {row["id"] for row in rows} == own


def test_a_rotated_refresh_token_is_listed_once(editor):
    tokens = api_tokens(editor)
    rotated = refresh(tokens["refresh"]).json()

    rows = bearer(rotated["access"]).get(SESSIONS).json()

    assert [row["kind"] for row in rows] == ["api"]


def test_the_admin_page_lists_only_ones_own_sessions(editor, administrator):
    mine = browser(editor, FIREFOX)
    browser(administrator, CHROME)

    page = mine.get("/admin/accounts/usersession/")

    assert page.status_code == 200
    assert b"Firefox 128 on Windows" in page.content
    assert b"Chrome 126" not in page.content


# --- Ending one --------------------------------------------------------------------------------


def test_ending_one_browser_signs_it_out_and_keeps_the_other(editor):
    first, second = browser(editor, FIREFOX), browser(editor, CHROME)
    tokens = api_tokens(editor)
    rows = bearer(tokens["access"]).get(SESSIONS).json()
    firefox = next(row for row in rows if row["device"].startswith("Firefox"))

    response = bearer(tokens["access"]).delete(f"{SESSIONS}{firefox['id']}/")

    assert response.status_code == 204
    assert not signed_in(first)
    assert signed_in(second)
    [event] = audited("user.session_end")
    assert event.actor_id == editor.pk
    assert event.metadata["kind"] == "browser"
    assert event.metadata["device"] == "Firefox 128 on Windows"


def test_ending_a_browser_session_from_the_admin(editor):
    first, second = browser(editor, FIREFOX), browser(editor, CHROME)
    row = UserSession.objects.get(user=editor, user_agent=CHROME)

    response = first.post(
        "/admin/accounts/usersession/",
        {"action": "end_sessions", "_selected_action": [row.pk]},
    )

    assert response.status_code == 302
    assert not signed_in(second)
    assert signed_in(first)
    assert len(audited("user.session_end")) == 1


def test_ending_a_refresh_token_refuses_it(editor):
    tokens = api_tokens(editor)
    [row] = UserSession.objects.filter(user=editor, refresh_token__isnull=False)

    response = bearer(tokens["access"]).delete(f"{SESSIONS}{row.pk}/")

    assert response.status_code == 204
    assert_error(refresh(tokens["refresh"]), 401)


def test_a_user_cannot_end_another_users_session(editor, administrator):
    theirs = browser(administrator)
    row = UserSession.objects.get(user=administrator)
    tokens = api_tokens(editor)

    response = bearer(tokens["access"]).delete(f"{SESSIONS}{row.pk}/")

    assert_error(response, 404)
    assert signed_in(theirs)
    assert not audited("user.session_end")


@pytest.mark.parametrize(
    ("session_id", "status"), [("abc", 400), ("-1", 400), ("9" * 30, 400), ("999999", 404)]
)
def test_bad_session_ids(editor, session_id, status):
    tokens = api_tokens(editor)
    assert_error(bearer(tokens["access"]).delete(f"{SESSIONS}{session_id}/"), status)


def test_sessions_need_a_signed_in_user(api_client):
    assert_error(api_client.get(SESSIONS), 401)


def test_the_service_refuses_another_users_session(editor, administrator):
    browser(administrator)
    row = UserSession.objects.get(user=administrator)
    with pytest.raises(PermissionDenied):
        user_sessions.user_session_end(actor=editor, session=row)
    assert UserSession.objects.filter(pk=row.pk).exists()


# --- Ending all ----------------------------------------------------------------------------------


def test_an_administrator_ends_all_of_a_users_sessions(editor, administrator):
    first, second = browser(editor, FIREFOX), browser(editor, CHROME)
    tokens = api_tokens(editor)
    admin_tokens = api_tokens(administrator)

    response = bearer(admin_tokens["access"]).post(f"/api/v1/users/{editor.pk}/end-sessions/")

    assert response.status_code == 200
    assert response.json() == {"browser_sessions": 2, "refresh_tokens": 1}
    assert not signed_in(first)
    assert not signed_in(second)
    assert_error(refresh(tokens["refresh"]), 401)
    [event] = audited("user.sessions_end_all")
    assert event.actor_id == administrator.pk
    assert event.target_id == str(editor.pk)
    assert event.metadata == {"browser_sessions": 2, "refresh_tokens": 1}


def test_only_an_administrator_ends_another_users_sessions(editor, administrator):
    theirs = browser(administrator)
    tokens = api_tokens(editor)

    response = bearer(tokens["access"]).post(f"/api/v1/users/{administrator.pk}/end-sessions/")

    assert_error(response, 403)
    assert signed_in(theirs)


def test_the_admin_action_ends_all_of_a_users_sessions(editor, administrator):
    theirs = browser(editor)
    tokens = api_tokens(editor)
    admin = browser(administrator)

    response = admin.post(
        "/admin/accounts/user/",
        {"action": "end_all_sessions", "_selected_action": [editor.pk]},
    )

    assert response.status_code == 302
    assert not signed_in(theirs)
    assert_error(refresh(tokens["refresh"]), 401)
    assert signed_in(admin)
    assert len(audited("user.sessions_end_all")) == 1


def test_deactivation_ends_everything(editor, administrator):
    theirs = browser(editor)
    tokens = api_tokens(editor)

    services.user_deactivate(actor=administrator, user=editor)

    assert not signed_in(theirs)
    assert_error(refresh(tokens["refresh"]), 401)
    assert not UserSession.objects.filter(user=editor).exists()
    [event] = audited("user.sessions_end_all")
    assert event.actor_id == administrator.pk
    assert event.metadata == {"browser_sessions": 1, "refresh_tokens": 1, "reason": "deactivation"}


def test_signing_out_forgets_the_session(editor):
    client = browser(editor)
    assert UserSession.objects.filter(user=editor).count() == 1
    client.post("/admin/logout/")
    assert not UserSession.objects.filter(user=editor).exists()


@pytest.mark.parametrize(
    ("agent", "device"),
    [
        ("", "Unknown device"),
        ("curl/8.5.0", "curl 8"),
        ("\x00garbage", "Unknown browser"),
        (FIREFOX, "Firefox 128 on Windows"),
    ],
)
def test_device_names(agent, device):
    assert user_sessions.device_name(agent) == device


@pytest.mark.parametrize(
    ("cache_url", "engine"),
    [
        ("redis://127.0.0.1:6379/8", "django.contrib.sessions.backends.cached_db"),
        ("", "django.contrib.sessions.backends.db"),
    ],
)
def test_sessions_are_read_from_redis_and_kept_in_the_database(cache_url, engine):
    result = _settings(
        "config.settings.test", {"CACHE_URL": cache_url, "REDIS_URL": ""}, "settings.SESSION_ENGINE"
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == engine


@pytest.mark.parametrize("role", ["Author", "Administrator"])
def test_every_staff_user_finds_sessions_in_the_sidebar(role):
    assert "Sessions" in sidebar(UserFactory(role=role))["Settings"]


@pytest.mark.parametrize(
    ("address", "ip"), [("unix:/run/folio.sock", None), ("", None), ("2001:db8::1", "2001:db8::1")]
)
def test_a_request_with_no_usable_address_is_noted_without_one(rf, address, ip):
    origin = user_sessions.Origin.of(rf.get("/admin/", REMOTE_ADDR=address, HTTP_USER_AGENT="x"))
    assert origin == user_sessions.Origin(ip=ip, user_agent="x")


def test_the_admin_never_shows_a_session_key(editor):
    client = browser(editor)
    row = UserSession.objects.get(user=editor)
    for path in ("/admin/accounts/usersession/", f"/admin/accounts/usersession/{row.pk}/change/"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert row.session_id.encode() not in page.content, path
