"""Fixtures for the accounts tests: users in roles and clients signed in as them."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from tests.accounts.factories import UserFactory
from tests.oidc_issuer import configure, running_issuer


def bearer(user) -> str:
    """An `Authorization` value with a fresh access token for `user`."""
    return f"Bearer {RefreshToken.for_user(user).access_token}"


@pytest.fixture
def admin_user():
    return UserFactory(email="admin@example.com", full_name="Ada Admin", role="Administrator")


@pytest.fixture
def client_for():
    """`client_for(user)`: an APIClient sending a Bearer access token for `user`."""

    def make(user) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=bearer(user))
        return client

    return make


@pytest.fixture
def admin_client(admin_user, client_for) -> APIClient:
    return client_for(admin_user)


@pytest.fixture(scope="module")
def oidc_server():
    """The test identity provider (tests/oidc_issuer.py) on 127.0.0.1, one per module."""
    with running_issuer() as server:
        yield server


@pytest.fixture
def issuer(oidc_server, settings):
    """Folio's single sign-on pointed at the test provider, its knobs reset."""
    oidc_server.reset()
    configure(settings, oidc_server)
    return oidc_server
