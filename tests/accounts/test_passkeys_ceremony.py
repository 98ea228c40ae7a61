"""Passkeys' ceremonies through django-otp-webauthn's real verification (a software
authenticator, no mocks): adding one, signing in with one alone or as the second step, and
the attacks the issue names: an assertion for another user's credential, or from another
origin (or for another relying party), is refused and signs no one in."""

from __future__ import annotations

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from governance.audit.models import AuditEvent
from tests.accounts.factories import UserFactory
from tests.accounts.passkey_authenticator import SoftAuthenticator
from tests.accounts.passkeys import (
    BEGIN_REGISTRATION,
    COMPLETE_AUTHENTICATION,
    COMPLETE_REGISTRATION,
    begin_authentication,
    post_json,
    register_passkey,
    relying_party,  # noqa: F401 - a fixture
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("relying_party")]


def session_user_id(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


def verified_device(client: Client) -> str | None:
    return client.session.get(DEVICE_ID_SESSION_KEY)


# --- Adding a passkey ------------------------------------------------------------------


def test_an_editor_adds_a_passkey_named_after_the_browser_and_audited():
    editor = UserFactory(role="Editor")
    _, passkey = register_passkey(editor)
    assert passkey.user == editor
    assert passkey.name == "Chrome 131 on Linux"
    assert passkey.discoverable is True
    event = AuditEvent.objects.get(action="mfa.passkey_added")
    assert event.actor == editor
    assert event.metadata["passkey_id"] == passkey.pk


def test_adding_a_passkey_needs_a_signed_in_admin_user():
    anonymous = Client()
    assert post_json(anonymous, BEGIN_REGISTRATION).status_code == 403
    no_role = UserFactory()  # not staff: no way into the admin
    client = Client()
    client.force_login(no_role)
    response = post_json(client, BEGIN_REGISTRATION)
    assert response.status_code == 403
    assert response.json()["code"] == "not_admin_user"


def test_an_enrolled_user_must_pass_the_second_factor_before_adding_a_passkey():
    editor = UserFactory(role="Editor")
    TOTPDevice.objects.create(user=editor, name="phone", confirmed=True)
    client = Client()
    client.force_login(editor)  # the password only
    response = post_json(client, BEGIN_REGISTRATION)
    assert response.status_code == 403
    assert response.json()["code"] == "user_not_verified"


def test_a_registration_from_another_origin_is_refused():
    editor = UserFactory(role="Editor")
    client = Client()
    client.force_login(editor)
    options = post_json(client, BEGIN_REGISTRATION).json()
    forged = SoftAuthenticator().create(options, origin="https://evil.example")
    response = post_json(client, COMPLETE_REGISTRATION, forged)
    assert response.status_code == 422
    assert not WebAuthnCredential.objects.exists()


# --- Signing in ------------------------------------------------------------------------


def test_a_passkey_alone_signs_in_with_both_factors_and_is_audited():
    editor = UserFactory(role="Editor")
    authenticator, passkey = register_passkey(editor)
    client = Client()
    options = begin_authentication(client)
    assert options["userVerification"] == "required"
    assert options.get("allowCredentials", []) == []  # discoverable: names no one
    response = post_json(client, COMPLETE_AUTHENTICATION, authenticator.get(options))
    assert response.status_code == 200, response.content
    assert response.json()["redirect_url"] == "/admin/"
    assert session_user_id(client) == str(editor.pk)
    assert verified_device(client) == passkey.persistent_id
    assert client.get("/admin/").status_code == 200
    passkey.refresh_from_db()
    assert passkey.last_used_at is not None
    event = AuditEvent.objects.filter(action="auth.login").latest("id")
    assert event.actor == editor
    assert event.metadata == {"via": "admin", "factor": "passkey"}
    assert not AuditEvent.objects.filter(action="auth.mfa_verify").exists()


def test_signing_in_with_a_passkey_goes_on_to_the_asked_for_page_only_on_this_site():
    editor = UserFactory(role="Editor")
    authenticator, _ = register_passkey(editor)
    client = Client()
    options = begin_authentication(client)
    url = f"{COMPLETE_AUTHENTICATION}?next=/admin/content/article/"
    assert post_json(client, url, authenticator.get(options)).json()["redirect_url"] == (
        "/admin/content/article/"
    )
    options = begin_authentication(client)
    url = f"{COMPLETE_AUTHENTICATION}?next=https://evil.example/"
    assert post_json(client, url, authenticator.get(options)).json()["redirect_url"] == "/admin/"


def test_a_passkey_verifies_the_second_step_after_the_password():
    editor = UserFactory(role="Editor")
    authenticator, passkey = register_passkey(editor)
    client = Client()
    client.force_login(editor)
    assert verified_device(client) is None
    options = begin_authentication(client)
    assert [c["id"] for c in options["allowCredentials"]] == [authenticator.get(options)["id"]]
    response = post_json(client, COMPLETE_AUTHENTICATION, authenticator.get(options))
    assert response.status_code == 200, response.content
    assert verified_device(client) == passkey.persistent_id
    event = AuditEvent.objects.get(action="auth.mfa_verify")
    assert (event.actor, event.metadata) == (editor, {"factor": "passkey"})


def test_a_passkey_of_someone_who_may_not_use_the_admin_signs_no_one_in():
    editor = UserFactory(role="Editor")
    authenticator, _ = register_passkey(editor)
    editor.is_staff = False  # their role was taken away
    editor.save(update_fields=["is_staff"])
    client = Client()
    response = post_json(
        client, COMPLETE_AUTHENTICATION, authenticator.get(begin_authentication(client))
    )
    assert response.status_code == 403
    assert session_user_id(client) is None
    editor.is_staff, editor.is_active = True, False
    editor.save(update_fields=["is_staff", "is_active"])
    response = post_json(
        client, COMPLETE_AUTHENTICATION, authenticator.get(begin_authentication(client))
    )
    assert response.status_code == 403
    assert session_user_id(client) is None


def test_a_removed_passkey_signs_no_one_in():
    editor = UserFactory(role="Editor")
    authenticator, passkey = register_passkey(editor)
    passkey.delete()
    client = Client()
    response = post_json(
        client, COMPLETE_AUTHENTICATION, authenticator.get(begin_authentication(client))
    )
    assert response.status_code == 404
    assert session_user_id(client) is None


# --- Attacks ---------------------------------------------------------------------------


def test_an_assertion_of_another_users_passkey_does_not_verify_this_user():
    """Signed in with Alice's password, Mallory's own (valid) passkey does not pass
    Alice's second step."""
    alice = UserFactory(role="Editor")
    mallory = UserFactory(role="Editor")
    register_passkey(alice)
    mallorys_authenticator, _ = register_passkey(mallory)
    client = Client()
    client.force_login(alice)
    options = begin_authentication(client)
    response = post_json(client, COMPLETE_AUTHENTICATION, mallorys_authenticator.get(options))
    assert response.status_code == 403
    assert response.json()["code"] == "credential_user_mismatch"
    assert verified_device(client) is None
    assert session_user_id(client) == str(alice.pk)


def test_an_assertion_claiming_another_users_credential_is_refused():
    """Mallory knows Alice's credential id and user handle (they are not secret) and signs
    with her own key: the signature does not match Alice's public key."""
    alice = UserFactory(role="Editor")
    alices_authenticator, _ = register_passkey(alice)
    mallory = SoftAuthenticator()
    sign_ins = AuditEvent.objects.filter(action="auth.login").count()
    client = Client()
    forged = mallory.get(
        begin_authentication(client),
        credential_id=alices_authenticator.credential_id,
        user_handle=alices_authenticator.user_handle,
    )
    response = post_json(client, COMPLETE_AUTHENTICATION, forged)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_authentication_response"
    assert session_user_id(client) is None
    assert AuditEvent.objects.filter(action="auth.login").count() == sign_ins


@pytest.mark.parametrize(
    ("origin", "rp_id"),
    [
        ("https://evil.example", "localhost"),  # a phishing page relaying the ceremony
        ("http://localhost:9999", "localhost"),  # another site on this host
        ("http://localhost:8000", "evil.example"),  # a passkey of another relying party
    ],
)
def test_an_assertion_from_another_origin_or_relying_party_is_refused(origin, rp_id):
    editor = UserFactory(role="Editor")
    authenticator, _ = register_passkey(editor)
    client = Client()
    options = begin_authentication(client)
    response = post_json(
        client, COMPLETE_AUTHENTICATION, authenticator.get(options, origin=origin, rp_id=rp_id)
    )
    assert response.status_code == 422
    assert session_user_id(client) is None
    # The same passkey from the right origin still works: the refusal was the origin's.
    options = begin_authentication(client)
    assert post_json(client, COMPLETE_AUTHENTICATION, authenticator.get(options)).status_code == 200


def test_an_assertion_is_good_for_one_challenge_only():
    editor = UserFactory(role="Editor")
    authenticator, _ = register_passkey(editor)
    client = Client()
    assertion = authenticator.get(begin_authentication(client))
    assert post_json(client, COMPLETE_AUTHENTICATION, assertion).status_code == 200
    client.logout()
    # Replayed as is: the state is gone; replayed against a new challenge: it does not match.
    assert post_json(client, COMPLETE_AUTHENTICATION, assertion).status_code == 400
    begin_authentication(client)
    assert post_json(client, COMPLETE_AUTHENTICATION, assertion).status_code == 422
    assert session_user_id(client) is None


def test_malformed_ceremony_bodies_are_clear_4xx():
    client = Client()
    begin_authentication(client)
    response = client.post(COMPLETE_AUTHENTICATION, "{not json", content_type="application/json")
    assert response.status_code == 400
    begin_authentication(client)
    response = post_json(client, COMPLETE_AUTHENTICATION, {"id": "x", "response": {}})
    assert response.status_code == 422
