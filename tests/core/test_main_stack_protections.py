"""What the delivery lane skips (config/settings/lane.py) still guards everything else: the
admin and the management API keep sessions, CSRF, authentication, messages and axes."""

from __future__ import annotations

import pytest
from csp.utils import build_policy
from django.test import Client

from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


@pytest.fixture
def administrator():
    user = UserFactory(role="Administrator")
    user.set_password(PASSWORD)
    user.save()
    return user


def test_the_admin_needs_a_signed_in_session(administrator):
    client = Client()
    assert client.get("/admin/").status_code == 302
    client.force_login(administrator)
    page = client.get("/admin/")
    assert page.status_code == 200
    assert page.wsgi_request.user == administrator


def test_the_admin_login_refuses_a_post_without_its_csrf_token(administrator):
    client = Client(enforce_csrf_checks=True)
    refused = client.post("/admin/login/", {"username": administrator.email, "password": PASSWORD})
    assert refused.status_code == 403


def test_the_management_api_takes_no_admin_session(administrator):
    """It authenticates JWTs and API keys only: a session cookie (CSRF's concern) is no way in."""
    client = Client()
    client.force_login(administrator)
    refused = client.post("/api/v1/api-keys/", {"name": "k"}, content_type="application/json")
    assert refused.status_code == 401
    assert client.get("/api/v1/auth/me/").status_code == 401


def test_admin_pages_keep_their_headers(administrator):
    client = Client()
    client.force_login(administrator)
    page = client.get("/admin/")
    assert page["X-Frame-Options"] == "DENY"
    assert "'unsafe-eval'" in page["Content-Security-Policy"]
    assert page["X-Content-Type-Options"] == "nosniff"


def test_repeated_admin_sign_in_failures_lock_the_account_out(administrator, settings):
    settings.AXES_ENABLED = True
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/admin/login/", {"username": administrator.email, "password": "wrong"})
    locked = client.post("/admin/login/", {"username": administrator.email, "password": PASSWORD})
    assert locked.status_code == settings.AXES_HTTP_RESPONSE_CODE
    assert "_auth_user_id" not in client.session


def test_admin_messages_reach_the_next_page(administrator):
    client = Client()
    client.force_login(administrator)
    page = client.post(
        "/admin/accounts/usersession/",
        {"action": "end_sessions", "_selected_action": ["0"], "select_across": "1"},
        follow=True,
    )
    assert "Ended 0 session(s)." in [str(m) for m in page.context["messages"]]


@pytest.mark.parametrize("path", ["/api/v1/delivery/articles/", "/api/v1/auth/me/", "/health/"])
def test_json_responses_carry_the_policy_django_csp_builds(path, settings):
    """Built once (core.csp), it is still django-csp's own header for the settings in force."""
    assert Client().get(path)["Content-Security-Policy"] == build_policy()
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    assert Client().get(path)["Content-Security-Policy"] == "default-src 'none'"
