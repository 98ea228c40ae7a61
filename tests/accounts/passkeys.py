"""Helpers for the passkey tests: settings for the software authenticator's origin, and
the browser's side of the ceremonies through the real endpoints (Django's test client)."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp_webauthn.models import WebAuthnCredential

from tests.accounts.passkey_authenticator import ORIGIN, RP_ID, SoftAuthenticator

CHROME = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
BEGIN_REGISTRATION = "/passkeys/registration/begin/"
COMPLETE_REGISTRATION = "/passkeys/registration/complete/"
BEGIN_AUTHENTICATION = "/passkeys/authentication/begin/"
COMPLETE_AUTHENTICATION = "/passkeys/authentication/complete/"


@pytest.fixture
def relying_party(settings):
    """Passkeys for `localhost`, presented from the software authenticator's origin."""
    settings.OTP_WEBAUTHN_RP_ID = RP_ID
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [ORIGIN]
    return settings


def post_json(client: Client, url: str, data: dict | None = None):
    body = json.dumps(data) if data is not None else ""
    return client.post(url, body, content_type="application/json", HTTP_USER_AGENT=CHROME)


def signed_in(user) -> Client:
    """A browser signed in as `user`, its session past the second factor when `user` has
    a passkey (as the two-step sign-in leaves it; django-otp's session key)."""
    client = Client()
    client.force_login(user)
    earlier = WebAuthnCredential.objects.filter(user=user).first()
    if earlier is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = earlier.persistent_id
        session.save()
    return client


def register_passkey(user) -> tuple[SoftAuthenticator, WebAuthnCredential]:
    """`user` signs in (a fresh session, verified with an earlier passkey if any) and adds
    a passkey made by a new authenticator."""
    client = signed_in(user)
    authenticator = SoftAuthenticator()
    options = post_json(client, BEGIN_REGISTRATION).json()
    response = post_json(client, COMPLETE_REGISTRATION, authenticator.create(options))
    assert response.status_code == 200, response.content
    return authenticator, WebAuthnCredential.objects.get(pk=response.json()["id"])


def begin_authentication(client: Client) -> dict:
    response = post_json(client, BEGIN_AUTHENTICATION)
    assert response.status_code == 200, response.content
    return response.json()
