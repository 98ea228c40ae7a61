"""Passkeys in the API (auth/mfa/passkeys/: list, rename, remove one's own) and in the
admin (the Security page's list and Remove, the sign-in page's button)."""

from __future__ import annotations

import pytest
from django.test import Client
from django_otp_webauthn.models import WebAuthnCredential

from governance.audit.models import AuditEvent
from tests.accounts.factories import ApiKeyFactory, UserFactory
from tests.accounts.passkeys import (
    COMPLETE_AUTHENTICATION,
    begin_authentication,
    post_json,
    register_passkey,
    relying_party,  # noqa: F401 - a fixture
    signed_in,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("relying_party")]

LIST = "/api/v1/auth/mfa/passkeys/"


def detail(passkey_id) -> str:
    return f"{LIST}{passkey_id}/"


@pytest.fixture
def editor():
    return UserFactory(email="eve@example.com", role="Editor")


@pytest.fixture
def someone_else():
    return UserFactory(email="sam@example.com", role="Editor")


def error_code(response) -> str:
    return response.json()["error"]["code"]


# --- List ------------------------------------------------------------------------------


def test_the_list_shows_only_ones_own_passkeys(
    editor, someone_else, client_for, django_assert_max_num_queries
):
    _, first = register_passkey(editor)
    _, second = register_passkey(editor)
    register_passkey(someone_else)
    with django_assert_max_num_queries(8):
        response = client_for(editor).get(LIST)
    assert response.status_code == 200
    body = response.json()
    assert [row["id"] for row in body] == [second.pk, first.pk]
    assert set(body[0]) == {"id", "name", "created_at", "last_used_at", "discoverable"}
    assert body[0]["name"] == "Chrome 131 on Linux"
    assert body[0]["last_used_at"] is None
    assert body[0]["discoverable"] is True


def test_the_list_shows_when_a_passkey_was_last_used(editor, client_for):
    authenticator, _ = register_passkey(editor)
    browser = Client()
    post_json(browser, COMPLETE_AUTHENTICATION, authenticator.get(begin_authentication(browser)))
    assert client_for(editor).get(LIST).json()[0]["last_used_at"] is not None


def test_the_list_is_for_people_signed_in(editor):
    assert Client().get(LIST).status_code == 401
    key = ApiKeyFactory(user=editor)
    response = Client().get(LIST, HTTP_AUTHORIZATION=f"Api-Key {key.raw_key}")
    assert response.status_code == 403


# --- Rename ----------------------------------------------------------------------------


def test_renaming_a_passkey(editor, client_for):
    _, passkey = register_passkey(editor)
    response = client_for(editor).patch(detail(passkey.pk), {"name": "  Work laptop "})
    assert response.status_code == 200, response.content
    assert response.json()["name"] == "Work laptop"
    passkey.refresh_from_db()
    assert passkey.name == "Work laptop"
    event = AuditEvent.objects.get(action="mfa.passkey_renamed")
    assert event.changes == {"name": ["Chrome 131 on Linux", "Work laptop"]}


@pytest.mark.parametrize(
    "body", [{}, {"name": ""}, {"name": "   "}, {"name": "x" * 65}, {"name": ["a"]}]
)
def test_a_bad_name_is_a_400(editor, client_for, body):
    _, passkey = register_passkey(editor)
    response = client_for(editor).patch(detail(passkey.pk), body, format="json")
    assert response.status_code == 400
    assert error_code(response) == "validation_error"
    passkey.refresh_from_db()
    assert passkey.name == "Chrome 131 on Linux"


def test_another_users_passkey_cannot_be_renamed_even_by_an_administrator(
    editor, someone_else, admin_user, client_for
):
    _, theirs = register_passkey(someone_else)
    for user in (editor, admin_user):
        response = client_for(user).patch(detail(theirs.pk), {"name": "Mine now"})
        assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "Chrome 131 on Linux"


# --- Remove ----------------------------------------------------------------------------


def test_removing_a_passkey_signs_no_one_in_with_it_and_is_audited(editor, client_for):
    authenticator, passkey = register_passkey(editor)
    response = client_for(editor).delete(detail(passkey.pk))
    assert response.status_code == 204
    assert not WebAuthnCredential.objects.filter(pk=passkey.pk).exists()
    event = AuditEvent.objects.get(action="mfa.passkey_removed")
    assert event.actor == editor
    assert event.metadata["passkey_id"] == passkey.pk
    browser = Client()
    assertion = authenticator.get(begin_authentication(browser))
    assert post_json(browser, COMPLETE_AUTHENTICATION, assertion).status_code == 404


def test_another_users_passkey_cannot_be_removed(editor, someone_else, client_for):
    _, theirs = register_passkey(someone_else)
    response = client_for(editor).delete(detail(theirs.pk))
    assert response.status_code == 404
    assert WebAuthnCredential.objects.filter(pk=theirs.pk).exists()
    assert not AuditEvent.objects.filter(action="mfa.passkey_removed").exists()


@pytest.mark.parametrize("passkey_id", ["abc", "1" * 19, "-1"])
def test_a_bad_id_is_a_400(editor, client_for, passkey_id):
    response = client_for(editor).delete(detail(passkey_id))
    assert response.status_code == 400


def test_an_unknown_id_is_a_404(editor, client_for):
    assert client_for(editor).delete(detail(999999)).status_code == 404


# --- The admin -------------------------------------------------------------------------


def test_the_security_panel_lists_passkeys_and_offers_adding_one_on_ones_own_page(
    editor, someone_else, rf
):
    from django.template.loader import render_to_string

    register_passkey(editor)
    request = rf.get("/admin/")
    request.user = editor
    own = render_to_string("admin/accounts/mfa/_passkeys.html", {"request": request})
    assert "Chrome 131 on Linux" in own
    assert 'id="passkey-register-button"' in own
    assert "otp_webauthn_register.js" in own
    request.user = someone_else
    theirs = render_to_string(
        "admin/accounts/mfa/_passkeys.html", {"request": request, "target_user": editor}
    )
    assert "Chrome 131 on Linux" in theirs
    assert "passkey-register-button" not in theirs  # only its owner's device makes one
    assert "Remove the passkey" not in theirs  # an Editor cannot remove someone else's


def test_removing_in_the_admin_ones_own_or_as_an_administrator(editor, someone_else, admin_user):
    _, mine = register_passkey(editor)
    _, theirs = register_passkey(someone_else)
    browser = signed_in(editor)
    back = "/admin/accounts/user/"
    response = browser.post(f"/admin/passkeys/{theirs.pk}/remove/", {"next": back})
    assert response.status_code == 404
    response = browser.post(f"/admin/passkeys/{mine.pk}/remove/", {"next": back})
    assert response.status_code == 302
    assert response["Location"] == back
    assert not WebAuthnCredential.objects.filter(pk=mine.pk).exists()
    # An Administrator removes a lost one of someone else's.
    browser = signed_in(admin_user)
    response = browser.post(
        f"/admin/passkeys/{theirs.pk}/remove/", {"next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert not WebAuthnCredential.objects.exists()
    assert AuditEvent.objects.filter(action="mfa.passkey_removed").count() == 2


def test_removing_in_the_admin_is_a_post(editor):
    _, mine = register_passkey(editor)
    browser = signed_in(editor)
    assert browser.get(f"/admin/passkeys/{mine.pk}/remove/").status_code == 405
    assert WebAuthnCredential.objects.filter(pk=mine.pk).exists()


def test_the_sign_in_page_offers_a_passkey_under_the_admins_policy():
    response = Client().get("/admin/login/")
    page = response.content.decode()
    assert "Sign in with a passkey" in page
    assert "otp_webauthn_auth.js" in page
    policy = response["Content-Security-Policy"]
    script_src = next(part for part in policy.split(";") if "script-src" in part)
    assert "'unsafe-inline'" not in script_src
    # The configuration is JSON data, not a script, so the policy has nothing to allow.
    assert '<script id="otp_webauthn_config" type="application/json">' in page
