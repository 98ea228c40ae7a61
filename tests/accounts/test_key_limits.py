"""An API key's own rate and networks: the throttle it gets, the RateLimit headers, where it
may be used from, and how Administrators set them (API and admin), audited."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from rest_framework.test import APIClient

from accounts.key_limits import api_key_set_limits
from accounts.models import ApiKey
from accounts.services import api_key_revoke
from governance.audit.models import AuditEvent
from tests.accounts.factories import ApiKeyFactory, UserFactory
from tests.assertions import assert_error

pytestmark = pytest.mark.django_db
URL = "/api/v1/articles/"  # any management endpoint a content:read key may read


def _rate(scope: str) -> int:
    return int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"][scope].split("/")[0])


def _key_client(key, **defaults) -> APIClient:
    client = APIClient(**defaults)
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key.raw_key}")
    return client


def _key(rate_limit: str = "", networks: list[str] | None = None, **kwargs) -> ApiKey:
    key = ApiKeyFactory(scopes=["content:read"], **kwargs)
    if rate_limit or networks:
        ApiKey.objects.filter(pk=key.pk).update(
            rate_limit=rate_limit, allowed_networks=networks or []
        )
    return key


def _limits(response) -> tuple[int, int, int]:
    return (
        int(response["RateLimit-Limit"]),
        int(response["RateLimit-Remaining"]),
        int(response["RateLimit-Reset"]),
    )


# --- The key's own rate -------------------------------------------------------------------


def test_a_key_with_its_own_rate_gets_that_many_requests_then_429():
    key = _key("3/min")
    client = _key_client(key)
    remaining = []
    for _ in range(3):
        response = client.get(URL)
        assert response.status_code == 200, response.content
        limit, left, reset = _limits(response)
        assert limit == 3
        assert 0 < reset <= 60
        remaining.append(left)
    assert remaining == [2, 1, 0]

    refused = client.get(URL)
    error = assert_error(refused, 429, "throttled")
    retry_after = int(refused["Retry-After"])
    assert 0 < retry_after <= 60
    assert error["details"]["retry_after"] == retry_after
    assert _limits(refused)[:2] == (3, 0)
    assert 0 < _limits(refused)[2] <= 60


def test_another_key_of_the_same_user_is_not_affected():
    limited = _key("3/min")
    other = _key(user=limited.user)  # no rate of its own: the user's default
    for _ in range(3):
        _key_client(limited).get(URL)
    assert_error(_key_client(limited).get(URL), 429, "throttled")

    response = _key_client(other).get(URL)
    assert response.status_code == 200
    assert _limits(response)[0] == _rate("user")


def test_keys_without_a_rate_get_the_default_limits(client_for):
    key = _key()
    response = _key_client(key).get(URL)
    assert response.status_code == 200
    limit, remaining, _ = _limits(response)
    assert (limit, remaining) == (_rate("user"), _rate("user") - 1)
    # Counted as the key's user is, whichever credential the user sends.
    as_user = client_for(key.user).get(URL)
    assert _limits(as_user)[:2] == (_rate("user"), _rate("user") - 2)


def test_a_changed_rate_applies_from_the_next_request(admin_user):
    key = _key()
    client = _key_client(key)
    assert _limits(client.get(URL))[0] == _rate("user")
    api_key_set_limits(actor=admin_user, api_key=key, rate_limit="2/hour")
    response = client.get(URL)
    assert _limits(response)[:2] == (2, 1)
    assert 3500 < _limits(response)[2] <= 3600


# --- Networks -----------------------------------------------------------------------------


def test_a_key_restricted_to_a_network_is_refused_from_elsewhere():
    key = _key(networks=["10.0.0.0/8"])
    refused = _key_client(key, REMOTE_ADDR="127.0.0.1").get(URL)
    assert_error(refused, 403, "address_not_allowed")
    assert _key_client(key, REMOTE_ADDR="10.20.30.40").get(URL).status_code == 200


def test_ipv6_networks(settings):
    key = _key(networks=["2001:db8::/32"])
    assert _key_client(key, REMOTE_ADDR="2001:db8::7").get(URL).status_code == 200
    assert_error(_key_client(key, REMOTE_ADDR="2001:db9::7").get(URL), 403)


def test_the_client_address_comes_through_trusted_proxies_only(settings):
    settings.TRUSTED_PROXIES = ["192.0.2.0/24"]
    key = _key(networks=["10.0.0.0/8"])
    through_proxy = _key_client(key, REMOTE_ADDR="192.0.2.10")
    assert through_proxy.get(URL, HTTP_X_FORWARDED_FOR="10.1.1.1").status_code == 200
    # The proxy itself is not in the key's network: no forwarded address, no use.
    assert_error(through_proxy.get(URL), 403, "address_not_allowed")
    # A client that writes the header itself is not believed.
    direct = _key_client(key, REMOTE_ADDR="203.0.113.5")
    assert_error(direct.get(URL, HTTP_X_FORWARDED_FOR="10.1.1.1"), 403, "address_not_allowed")


# --- Setting limits through the API ---------------------------------------------------------


def test_administrator_sets_and_clears_limits(admin_client, admin_user):
    key = _key()
    response = admin_client.patch(
        f"/api/v1/api-keys/{key.pk}/",
        {"rate_limit": "100/minute", "allowed_networks": ["10.1.2.3/8", "192.0.2.1", "10.0.0.0/8"]},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["rate_limit"] == "100/minute"
    assert body["allowed_networks"] == ["10.0.0.0/8", "192.0.2.1/32"]  # normalised, once each
    event = AuditEvent.objects.get(action="api_key.limits_change")
    assert event.actor_id == admin_user.pk
    assert event.target_id == str(key.pk)
    assert event.changes == {
        "rate_limit": ["", "100/minute"],
        "allowed_networks": [[], ["10.0.0.0/8", "192.0.2.1/32"]],
    }

    cleared = admin_client.patch(f"/api/v1/api-keys/{key.pk}/", {"rate_limit": ""}).json()
    assert cleared["rate_limit"] == ""
    assert cleared["allowed_networks"] == ["10.0.0.0/8", "192.0.2.1/32"]  # left as it was
    assert AuditEvent.objects.filter(action="api_key.limits_change").count() == 2
    # Sending what is already set changes nothing and records nothing.
    admin_client.patch(f"/api/v1/api-keys/{key.pk}/", {"rate_limit": ""})
    assert AuditEvent.objects.filter(action="api_key.limits_change").count() == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"rate_limit": "abc"}, "rate_limit"),
        ({"rate_limit": "-5/min"}, "rate_limit"),
        ({"rate_limit": "0/min"}, "rate_limit"),
        ({"rate_limit": "10/fortnight"}, "rate_limit"),
        ({"rate_limit": 12}, "rate_limit"),
        ({"allowed_networks": ["300.1.1.1/8"]}, "allowed_networks"),
        ({"allowed_networks": ["10.0.0.0/-1"]}, "allowed_networks"),
        ({"allowed_networks": "10.0.0.0/8"}, "allowed_networks"),
        ({"name": "renamed"}, "name"),
    ],
)
def test_bad_limits_are_refused_with_400(admin_client, body, field):
    key = _key()
    error = assert_error(
        admin_client.patch(f"/api/v1/api-keys/{key.pk}/", body), 400, "validation_error"
    )
    assert field in error["details"], error
    key.refresh_from_db()
    assert key.rate_limit == ""
    assert key.allowed_networks == []
    assert not AuditEvent.objects.filter(action="api_key.limits_change").exists()


def test_a_revoked_key_cannot_be_changed(admin_client, admin_user):
    key = _key()
    admin_client.post(f"/api/v1/api-keys/{key.pk}/revoke/")
    assert_error(admin_client.patch(f"/api/v1/api-keys/{key.pk}/", {"rate_limit": "1/s"}), 400)


@pytest.mark.parametrize("role", ["Editor", "Reviewer", "Author"])
def test_only_administrators_change_limits(client_for, role):
    key = _key()
    client = client_for(UserFactory(role=role))
    assert_error(client.patch(f"/api/v1/api-keys/{key.pk}/", {"rate_limit": "1/s"}), 403)
    key.refresh_from_db()
    assert key.rate_limit == ""


def test_a_key_cannot_change_its_own_limits():
    key = _key()
    response = _key_client(key).patch(f"/api/v1/api-keys/{key.pk}/", {"rate_limit": "1/day"})
    assert_error(response, 403)


# --- Setting limits in the admin ------------------------------------------------------------


@pytest.fixture
def admin_web(admin_user) -> Client:
    client = Client()
    client.force_login(admin_user)
    return client


def test_administrator_sets_limits_in_the_admin(admin_web, admin_user):
    key = _key()
    url = f"/admin/accounts/apikey/{key.pk}/change/"
    assert admin_web.get(url).status_code == 200
    response = admin_web.post(
        url, {"rate_limit": "30/min", "allowed_networks": "10.0.0.0/8\n192.0.2.0/24\n"}
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    key.refresh_from_db()
    assert (key.rate_limit, key.allowed_networks) == ("30/min", ["10.0.0.0/8", "192.0.2.0/24"])
    event = AuditEvent.objects.get(action="api_key.limits_change")
    assert event.actor_id == admin_user.pk
    # The form shows what is set, one network a line.
    assert "192.0.2.0/24" in admin_web.get(url).content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"rate_limit": "abc", "allowed_networks": ""}, "Write the rate as"),
        ({"rate_limit": "", "allowed_networks": "300.1.1.1/8"}, "is not an IP network"),
    ],
)
def test_bad_limits_are_form_errors_in_the_admin(admin_web, data, message):
    key = _key()
    response = admin_web.post(f"/admin/accounts/apikey/{key.pk}/change/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    key.refresh_from_db()
    assert (key.rate_limit, key.allowed_networks) == ("", [])
    assert not AuditEvent.objects.filter(action="api_key.limits_change").exists()


def test_the_key_itself_stays_read_only_in_the_admin(admin_web):
    key = _key()
    admin_web.post(
        f"/admin/accounts/apikey/{key.pk}/change/",
        {"name": "renamed", "scopes": ["content:write"], "rate_limit": "", "allowed_networks": ""},
    )
    key.refresh_from_db()
    assert (key.name, key.scopes) != ("renamed", ["content:write"])


# --- Limits given when the key is issued ----------------------------------------------------


def test_a_key_is_issued_with_its_limits(admin_client):
    response = admin_client.post(
        "/api/v1/api-keys/",
        {
            "name": "Build",
            "scopes": ["content:read"],
            "rate_limit": "5/s",
            "allowed_networks": ["10.0.0.1/8"],
        },
    )
    assert response.status_code == 201, response.content
    assert (response.json()["rate_limit"], response.json()["allowed_networks"]) == (
        "5/s",
        ["10.0.0.0/8"],
    )
    event = AuditEvent.objects.get(action="api_key.create")
    assert event.changes["rate_limit"] == "5/s"
    assert event.changes["allowed_networks"] == ["10.0.0.0/8"]
    client = APIClient(REMOTE_ADDR="10.9.9.9")
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {response.json()['key']}")
    assert _limits(client.get(URL))[:2] == (5, 4)


@pytest.mark.parametrize("limits", [{"rate_limit": "abc"}, {"allowed_networks": ["300.1.1.1/8"]}])
def test_a_key_with_bad_limits_is_not_issued(admin_client, limits):
    body = {"name": "Build", "scopes": ["content:read"], **limits}
    error = assert_error(admin_client.post("/api/v1/api-keys/", body), 400, "validation_error")
    assert set(error["details"]) == set(limits)
    assert not ApiKey.objects.exists()


def test_the_admin_issues_a_key_with_its_limits(admin_web, admin_user):
    data = {
        "name": "Website",
        "user": admin_user.pk,
        "scopes": ["delivery:read"],
        "expires_at_0": "",
        "expires_at_1": "",
        "rate_limit": "60/min",
        "allowed_networks": "192.0.2.0/24",
    }
    refused = admin_web.post("/admin/accounts/apikey/add/", {**data, "rate_limit": "-1/min"})
    assert refused.status_code == 200
    assert "Write the rate as" in refused.content.decode()
    assert not ApiKey.objects.exists()
    assert admin_web.post("/admin/accounts/apikey/add/", data).status_code == 302
    key = ApiKey.objects.get()
    assert (key.rate_limit, key.allowed_networks) == ("60/min", ["192.0.2.0/24"])


def test_a_revoked_keys_page_shows_its_limits_read_only(admin_web, admin_user):
    key = _key("9/min")
    api_key_revoke(actor=admin_user, api_key=key)
    url = f"/admin/accounts/apikey/{key.pk}/change/"
    page = admin_web.get(url).content.decode()
    assert "9/min" in page
    assert 'name="rate_limit"' not in page
    admin_web.post(url, {"rate_limit": "1/min"})
    key.refresh_from_db()
    assert key.rate_limit == "9/min"
