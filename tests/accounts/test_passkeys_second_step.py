"""A passkey as the second step after the password, in the two-step admin sign-in
(accounts.mfa.admin_signin): after the password the session holds a ticket, not a login;
only the ticket's user's passkey answers it, and then signs in as the code step does.
Skipped where that sign-in flow is not installed."""

from __future__ import annotations

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY

from governance.audit.models import AuditEvent
from tests.accounts.factories import PASSWORD, UserFactory
from tests.accounts.passkeys import (
    BEGIN_AUTHENTICATION,
    COMPLETE_AUTHENTICATION,
    begin_authentication,
    post_json,
    register_passkey,
    relying_party,  # noqa: F401 - a fixture
)

pytest.importorskip("accounts.mfa.tickets")

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("relying_party")]


def password_step(client: Client, user, next_url: str = "/admin/content/article/"):
    response = client.post(
        f"/admin/login/?next={next_url}",
        {"username": user.email, "password": PASSWORD, "next": next_url},
    )
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session  # a ticket, not a login
    return response


def test_the_second_step_takes_the_users_own_passkey_and_signs_in():
    editor = UserFactory(role="Editor")
    authenticator, passkey = register_passkey(editor)
    client = Client()
    password_step(client, editor)
    options = begin_authentication(client)
    assert [c["id"] for c in options["allowCredentials"]] == [authenticator.get(options)["id"]]
    response = post_json(client, COMPLETE_AUTHENTICATION, authenticator.get(options))
    assert response.status_code == 200, response.content
    assert response.json()["redirect_url"] == "/admin/content/article/"
    assert client.session["_auth_user_id"] == str(editor.pk)
    assert client.session[DEVICE_ID_SESSION_KEY] == passkey.persistent_id
    assert client.get("/admin/content/article/").status_code == 200
    event = AuditEvent.objects.filter(action="auth.login").latest("id")
    assert (event.actor, event.metadata["factor"]) == (editor, "passkey")


def test_another_users_passkey_does_not_answer_the_second_step():
    alice = UserFactory(role="Editor")
    mallory = UserFactory(role="Editor")
    register_passkey(alice)
    mallorys, _ = register_passkey(mallory)
    client = Client()
    password_step(client, alice)
    response = post_json(
        client, COMPLETE_AUTHENTICATION, mallorys.get(begin_authentication(client))
    )
    assert response.status_code == 403
    assert response.json()["code"] == "credential_user_mismatch"
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302


def test_a_ticket_is_good_for_one_sign_in():
    editor = UserFactory(role="Editor")
    authenticator, _ = register_passkey(editor)
    client = Client()
    password_step(client, editor)
    ticket = client.session["mfa_pending_ticket"]
    assertion = authenticator.get(begin_authentication(client))
    assert post_json(client, COMPLETE_AUTHENTICATION, assertion).status_code == 200
    # The same ticket put back (a copied cookie) is refused.
    client.logout()
    session = client.session
    session["mfa_pending_ticket"] = ticket
    session.save()
    response = post_json(client, BEGIN_AUTHENTICATION)
    assert response.status_code == 403
    assert response.json()["code"] == "sign_in_expired"
    assert "_auth_user_id" not in client.session
