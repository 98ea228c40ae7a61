"""Single sign-on refuses forged, replayed or misdirected ID tokens, and half-made settings.

Each attack is made by the real test issuer (tests/oidc_issuer.py); the refusal lands
on the admin's sign-in page with a message, writes an audit row, and signs nobody in.
"""

from __future__ import annotations

import pytest
from django.core.checks import run_checks
from django.test import Client
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.services import user_deactivate
from tests.accounts.factories import UserFactory
from tests.accounts.oidc_flow import last_refusal, login_page_message, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def issuer(issuer):
    """The provider, and the Editor it signs in (matched by email)."""
    UserFactory(email="ada@example.com", role="Editor")
    return issuer


def refused(client: Client, reason: str, **kwargs) -> None:
    response = sign_in(client, **kwargs)
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/"
    assert client.get("/admin/").status_code == 302  # not signed in
    assert "Single sign-on failed" in login_page_message(client)
    refusal = last_refusal()
    assert (refusal.metadata["factor"], refusal.metadata["reason"]) == ("oidc", reason)


@pytest.mark.parametrize(
    ("knob", "value", "reason"),
    [
        ("aud", "another-client", "invalid_aud"),
        ("iss", "http://127.0.0.1:1/evil", "invalid_iss"),
        ("nonce", "replayed-nonce", "invalid_nonce"),
        ("foreign_key", True, "bad_signature"),
        ("expired", True, "expired"),
    ],
)
def test_a_bad_id_token_is_refused(issuer, knob, value, reason):
    setattr(issuer, knob, value)
    refused(Client(), reason)


def test_an_audience_naming_another_client_is_refused_even_with_our_azp(issuer):
    # Authlib alone accepts this (it checks `azp`, not that `aud` names us): Folio's check.
    issuer.aud = ["another-client"]
    issuer.azp = issuer.client_id
    refused(Client(), "invalid_aud")


def test_a_discovery_document_naming_another_issuer_is_refused(issuer):
    issuer.discovery_issuer = "https://evil.example"
    client = Client()
    response = client.get("/admin/oidc/login/")
    assert response["Location"] == "/admin/login/"
    assert "issuer mismatch" in login_page_message(client)
    assert last_refusal().metadata["reason"] == "issuer_mismatch"


def test_a_forged_state_is_refused(issuer):
    refused(Client(), "mismatching_state", tamper=lambda url: url.replace("state=", "state=x"))


def test_a_provider_that_declines_sends_back_to_the_login_page(issuer):
    def declined(url):
        state = url.split("state=", 1)[1]
        return f"http://testserver/admin/oidc/callback/?error=access_denied&state={state}"

    client = Client()
    response = sign_in(client, tamper=declined)
    assert response["Location"] == "/admin/login/"
    assert "did not sign you in" in login_page_message(client)
    assert last_refusal().metadata["reason"] == "provider_error"


def test_a_callback_without_a_sign_in_under_way_is_refused(issuer):
    client = Client()
    response = client.get("/admin/oidc/callback/", {"code": "stolen", "state": "guess"})
    assert response["Location"] == "/admin/login/"
    assert last_refusal().metadata["reason"] == "mismatching_state"
    assert issuer.token_requests == []  # the code was never tried


def test_a_code_works_once(issuer):
    client = Client()
    first = {}

    def keep(url):
        first["url"] = url
        return url

    sign_in(client, tamper=keep)
    client.logout()
    # The same callback again: its state was used up with the session, its code too.
    path = first["url"].split("testserver", 1)[1]
    assert client.get(path)["Location"] == "/admin/login/"
    assert client.get("/admin/").status_code == 302


def test_a_wrong_client_secret_is_refused(issuer, settings):
    settings.OIDC_CLIENT_SECRET = "guessed"
    refused(Client(), "invalid_client")


def test_an_unreachable_issuer_sends_back_to_the_login_page(issuer, settings):
    settings.OIDC_ISSUER = "http://127.0.0.1:9"  # the discard port: nothing listens
    client = Client()
    assert client.get("/admin/oidc/login/")["Location"] == "/admin/login/"
    assert "could not be reached" in login_page_message(client)


def test_deactivating_an_sso_user_ends_their_session_and_tokens(issuer):
    admin = UserFactory(role="Administrator")
    client = Client()
    sign_in(client)
    assert client.get("/admin/").status_code == 200
    ada = client.get("/admin/").wsgi_request.user
    refresh = RefreshToken.for_user(ada)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {refresh.access_token}")
    assert api.get("/api/v1/auth/me/").status_code == 200

    user_deactivate(actor=admin, user=ada)

    assert client.get("/admin/").status_code == 302  # signed out of the admin
    assert api.get("/api/v1/auth/me/").status_code == 401
    again = APIClient().post("/api/v1/auth/token/refresh/", {"refresh": str(refresh)})
    assert again.status_code == 401
    # And the provider cannot sign them back in.
    refused_client = Client()
    sign_in(refused_client)
    assert last_refusal().metadata["reason"] == "inactive"


# --- Settings -----------------------------------------------------------------------------


def oidc_errors() -> list[str]:
    return [e.msg for e in run_checks(tags=["security"]) if e.id == "accounts.E_OIDC"]


def test_sso_is_off_and_quiet_without_settings(settings):
    settings.OIDC_ISSUER = ""
    settings.OIDC_CLIENT_ID = settings.OIDC_CLIENT_SECRET = ""
    assert oidc_errors() == []


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"OIDC_CLIENT_SECRET": ""}, "OIDC_ISSUER is set but OIDC_CLIENT_SECRET is empty."),
        ({"OIDC_CLIENT_ID": ""}, "OIDC_ISSUER is set but OIDC_CLIENT_ID is empty."),
        ({"OIDC_ISSUER": ""}, "OIDC_CLIENT_ID or OIDC_CLIENT_SECRET is set but OIDC_ISSUER"),
        ({"OIDC_ISSUER": "http://idp.example"}, "must be an https:// address"),
        ({"OIDC_SCOPES": ["email"]}, "OIDC_SCOPES must include 'openid'."),
        ({"OIDC_ROLE_MAP": {"boss": "Owner"}}, "roles Folio does not have: boss=Owner"),
        ({"OIDC_ROLES_CLAIM": ""}, "OIDC_ROLE_MAP is set but OIDC_ROLES_CLAIM is empty."),
    ],
)
def test_a_half_made_configuration_fails_clearly(settings, overrides, message):
    settings.OIDC_ISSUER = "https://idp.example"
    settings.OIDC_CLIENT_ID, settings.OIDC_CLIENT_SECRET = "folio", "secret"
    settings.OIDC_SCOPES = ["openid"]
    settings.OIDC_ROLES_CLAIM = "groups"
    settings.OIDC_ROLE_MAP = {"folio-editors": "Editor"}
    for name, value in overrides.items():
        setattr(settings, name, value)
    assert any(message in error for error in oidc_errors()), oidc_errors()


def test_the_role_map_reads_from_the_environment():
    from config.settings.oidc import parse_role_map

    raw = "folio-admins=Administrator, folio-editors = Editor,broken"
    assert parse_role_map(raw) == {
        "folio-admins": "Administrator",
        "folio-editors": "Editor",
        "broken": "",
    }
