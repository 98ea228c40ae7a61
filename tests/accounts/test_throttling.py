"""Login attempts are limited, on the API and on the admin login."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from rest_framework.test import APIClient
from rest_framework.throttling import AnonRateThrottle, ScopedRateThrottle, UserRateThrottle

from tests.accounts.factories import PASSWORD, UserFactory
from tests.assertions import assert_error

pytestmark = pytest.mark.django_db


def _allowed(scope: str) -> int:
    """How many requests the configured rate allows per period (THROTTLE_*_RATE)."""
    return int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"][scope].split("/")[0])


def _assert_throttled(response) -> None:
    error = assert_error(response, 429, "throttled")
    retry_after = int(response["Retry-After"])
    assert retry_after > 0
    assert error["details"]["retry_after"] == retry_after


def test_login_rate_is_limited(api_client):
    user = UserFactory()
    credentials = {"email": user.email, "password": PASSWORD}
    for _ in range(_allowed("login")):
        assert api_client.post("/api/v1/auth/token/", credentials).status_code == 200
    _assert_throttled(api_client.post("/api/v1/auth/token/", credentials))


def test_refresh_and_logout_have_their_own_budget(api_client):
    """A frontend server refreshing for its users from one address is not a password guess:
    the spent login budget does not stop it, and it may refresh more often than it logs in."""
    user = UserFactory()
    credentials = {"email": user.email, "password": PASSWORD}
    for _ in range(_allowed("login")):
        refresh = api_client.post("/api/v1/auth/token/", credentials).json()["refresh"]
    _assert_throttled(api_client.post("/api/v1/auth/token/", credentials))
    for _ in range(_allowed("login") + 5):
        response = api_client.post("/api/v1/auth/token/refresh/", {"refresh": refresh})
        assert response.status_code == 200, response.content
        refresh = response.json()["refresh"]
    assert api_client.post("/api/v1/auth/logout/", {"refresh": refresh}).status_code == 204
    _assert_throttled(api_client.post("/api/v1/auth/token/", credentials))


def test_refresh_rate_is_limited(api_client, monkeypatch):
    # The rate is read from THROTTLE_REFRESH_RATE at start-up; pin a small one for this test.
    rates = {**ScopedRateThrottle.THROTTLE_RATES, "refresh": "3/min"}
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", rates)
    for path in ("/api/v1/auth/token/refresh/", "/api/v1/auth/logout/", "/api/v1/auth/logout/"):
        assert_error(api_client.post(path, {"refresh": "x"}), 401)
    _assert_throttled(api_client.post("/api/v1/auth/token/refresh/", {"refresh": "x"}))


def test_login_limit_is_per_client(api_client):
    user = UserFactory()
    credentials = {"email": user.email, "password": PASSWORD}
    for _ in range(_allowed("login")):
        api_client.post("/api/v1/auth/token/", credentials)
    _assert_throttled(api_client.post("/api/v1/auth/token/", credentials))
    other = APIClient(REMOTE_ADDR="203.0.113.9")
    assert other.post("/api/v1/auth/token/", credentials).status_code == 200


def test_password_reset_rate_is_limited(api_client):
    for _ in range(_allowed("password_reset")):
        response = api_client.post("/api/v1/auth/password/reset/", {"email": "x@example.com"})
        assert response.status_code == 202
    _assert_throttled(api_client.post("/api/v1/auth/password/reset/", {"email": "x@example.com"}))


def test_repeated_wrong_passwords_lock_out_api_login(api_client):
    user = UserFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = api_client.post(
            "/api/v1/auth/token/", {"email": user.email, "password": "guess"}
        )
        assert_error(response, 401, "invalid_credentials")
    # The failure that reaches the limit locks the client out...
    _assert_throttled(
        api_client.post("/api/v1/auth/token/", {"email": user.email, "password": "guess"})
    )
    # ...and even the right password is refused now.
    _assert_throttled(
        api_client.post("/api/v1/auth/token/", {"email": user.email, "password": PASSWORD})
    )


def _admin_login(client: Client, email: str, password: str):
    return client.post("/admin/login/?next=/admin/", {"username": email, "password": password})


def test_admin_login_brute_force_is_locked_out():
    user = UserFactory(role="Administrator")
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = _admin_login(client, user.email, "guess")
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session
    locked = _admin_login(client, user.email, "guess")
    assert locked.status_code == settings.AXES_HTTP_RESPONSE_CODE
    assert b"locked" in locked.content
    response = _admin_login(client, user.email, PASSWORD)
    assert response.status_code == settings.AXES_HTTP_RESPONSE_CODE
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302  # still sent to the login page


def test_admin_login_works_below_the_limit():
    user = UserFactory(role="Administrator")
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _admin_login(client, user.email, "guess")
    response = _admin_login(client, user.email, PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_signed_in_users_are_rate_limited(admin_client, monkeypatch):
    # The rate is read from THROTTLE_USER_RATE at start-up; pin a small one for this test.
    monkeypatch.setattr(UserRateThrottle, "rate", "3/min", raising=False)
    for _ in range(3):
        assert admin_client.get("/api/v1/auth/me/").status_code == 200
    _assert_throttled(admin_client.get("/api/v1/auth/me/"))


def test_anonymous_clients_are_rate_limited(api_client, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "rate", "3/min", raising=False)
    # The API docs are the anonymous endpoint left on the default throttles (the auth
    # endpoints have their own scopes, delivery its own throttle).
    for _ in range(3):
        assert api_client.get("/api/docs/").status_code == 200
    throttled = api_client.get("/api/docs/")
    assert throttled.status_code == 429
    assert int(throttled["Retry-After"]) > 0


def test_throttled_endpoints_send_their_budget(api_client):
    """RateLimit-Limit / -Remaining / -Reset (the IETF draft's names) on every response a
    throttle counted, the 429 included; browsers may read them (CORS)."""
    user = UserFactory()
    credentials = {"email": user.email, "password": PASSWORD}
    allowed = _allowed("login")
    responses = [api_client.post("/api/v1/auth/token/", credentials) for _ in range(allowed + 1)]
    assert [int(r["RateLimit-Limit"]) for r in responses] == [allowed] * (allowed + 1)
    assert [int(r["RateLimit-Remaining"]) for r in responses] == [
        *range(allowed - 1, -1, -1),
        0,
    ]
    assert all(0 < int(r["RateLimit-Reset"]) <= 60 for r in responses)
    _assert_throttled(responses[-1])
    assert int(responses[-1]["Retry-After"]) <= int(responses[-1]["RateLimit-Reset"])


def test_browsers_may_read_the_rate_limit_headers(api_client, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.example.com"]
    response = api_client.post(
        "/api/v1/auth/password/reset/",
        {"email": "x@example.com"},
        HTTP_ORIGIN="https://app.example.com",
    )
    exposed = {h.strip().lower() for h in response["Access-Control-Expose-Headers"].split(",")}
    assert {"ratelimit-limit", "ratelimit-remaining", "ratelimit-reset", "retry-after"} <= exposed
    assert int(response["RateLimit-Remaining"]) == _allowed("password_reset") - 1
