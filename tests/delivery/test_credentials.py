"""Credentials on the public delivery API: none is needed, but one that is sent must be good."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework_simplejwt.tokens import AccessToken

from accounts import services
from tests.accounts.factories import ApiKeyFactory, UserFactory
from tests.assertions import assert_error

pytestmark = pytest.mark.django_db
URL = "/api/v1/delivery/articles/"


def _revoked() -> str:
    key = ApiKeyFactory()
    services.api_key_revoke(actor=key.user, api_key=key)
    return f"Api-Key {key.raw_key}"


def _expired() -> str:
    key = ApiKeyFactory()
    key.expires_at = timezone.now() - timedelta(minutes=1)
    key.save(update_fields=["expires_at"])
    return f"Api-Key {key.raw_key}"


def _expired_jwt() -> str:
    token = AccessToken.for_user(UserFactory())
    token.set_exp(lifetime=-timedelta(minutes=1))
    return f"Bearer {token}"


BAD = {
    "garbage key": lambda: "Api-Key not-a-key",
    "key of the right shape": lambda: "Api-Key fol_abcdefgh_" + "x" * 43,
    "revoked key": _revoked,
    "expired key": _expired,
    "garbage token": lambda: "Bearer not.a.jwt",
    "expired token": _expired_jwt,
    "scheme without a credential": lambda: "Api-Key",
}


@pytest.fixture
def paths(article, page, on_commit):
    from content import services as content

    entry = article(title="Hello", published=True)
    about = page(title="About", published=True)
    preview = content.preview_link_create(entry=entry, actor=None)["token"]
    return [
        URL,
        f"{URL}{entry.slug}/",
        "/api/v1/delivery/pages/",
        f"/api/v1/delivery/pages/{about.pk}/",
        "/api/v1/delivery/categories/",
        f"/api/v1/delivery/preview/{preview}/",
    ]


@pytest.mark.parametrize("require_key", [False, True], ids=["public", "key-required"])
@pytest.mark.parametrize("credential", BAD.values(), ids=BAD.keys())
def test_a_bad_credential_is_refused_even_where_none_is_needed(
    api_client, paths, settings, credential, require_key
):
    header = credential()
    for path in paths:
        # Answered (and cached) for an anonymous client first: a cached hit is no way round.
        settings.DELIVERY_REQUIRE_KEY = False
        assert api_client.get(path).status_code == 200, path
        settings.DELIVERY_REQUIRE_KEY = require_key
        response = api_client.get(path, HTTP_AUTHORIZATION=header)
        assert_error(response, 401)
        assert response["WWW-Authenticate"]


def test_good_credentials_and_none_are_served(api_client, paths):
    key = ApiKeyFactory(scopes=["delivery:read"])
    token = AccessToken.for_user(UserFactory())
    for path in paths:
        anonymous = api_client.get(path)
        assert anonymous.status_code == 200, path
        for header in (f"Api-Key {key.raw_key}", f"Bearer {token}"):
            response = api_client.get(path, HTTP_AUTHORIZATION=header)
            assert response.status_code == 200, (path, header)
            assert response.content == anonymous.content


def test_a_deactivated_users_key_is_refused(api_client, paths):
    key = ApiKeyFactory()
    key.user.is_active = False
    key.user.save(update_fields=["is_active"])
    assert_error(api_client.get(URL, HTTP_AUTHORIZATION=f"Api-Key {key.raw_key}"), 401)


def test_a_proxys_basic_credentials_are_left_alone(api_client, paths):
    """A site behind a proxy's password prompt forwards Basic credentials Folio never issued."""
    for path in paths:
        assert api_client.get(path, HTTP_AUTHORIZATION="Basic dXNlcjpwYXNz").status_code == 200


def test_an_anonymous_cached_hit_costs_no_query(api_client, paths, django_assert_num_queries):
    api_client.get(URL)
    with django_assert_num_queries(0):
        assert api_client.get(URL).status_code == 200
