"""Two-factor sign-in in the admin: the second step, enforcement, the Security page."""

from __future__ import annotations

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.mfa.policy import user_has_mfa
from tests.accounts.factories import PASSWORD, UserFactory
from tests.accounts.mfa_helpers import audit_actions, enrol_totp, last_audit, totp_code, wrong_code

pytestmark = pytest.mark.django_db
LOGIN = "/admin/login/"
VERIFY = "/admin/login/verify/"


def security_url(user) -> str:
    return f"/admin/accounts/user/{user.pk}/security/"


def password_step(client, user, next_url="/admin/"):
    return client.post(
        f"{LOGIN}?next={next_url}", {"username": user.email, "password": PASSWORD, "next": next_url}
    )


def test_the_password_alone_does_not_sign_in_a_user_with_2fa():
    admin = UserFactory(role="Administrator")
    device, _ = enrol_totp(admin)
    client = Client()
    response = password_step(client, admin, "/admin/accounts/user/")
    assert response.status_code == 302
    assert response["Location"] == VERIFY
    assert client.get("/admin/").status_code == 302  # not signed in yet
    assert "_auth_user_id" not in client.session
    page = client.get(VERIFY)
    assert page.status_code == 200
    assert b"authenticator app" in page.content
    refused = client.post(VERIFY, {"code": wrong_code(device)})
    assert refused.status_code == 200
    assert b"not correct" in refused.content
    assert "_auth_user_id" not in client.session


def test_the_second_step_signs_in_and_audits_the_factor(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    admin = UserFactory(role="Administrator")
    device, _ = enrol_totp(admin)
    client = Client()
    password_step(client, admin, "/admin/accounts/user/")
    done = client.post(VERIFY, {"code": totp_code(device)})
    assert done.status_code == 302
    assert done["Location"] == "/admin/accounts/user/"
    assert client.get("/admin/").status_code == 200
    event = last_audit("auth.login")
    assert event.actor == admin
    assert event.metadata == {"via": "admin", "factor": "totp"}


def test_a_recovery_code_signs_in_to_the_admin():
    admin = UserFactory(role="Administrator")
    _, codes = enrol_totp(admin)
    client = Client()
    password_step(client, admin)
    assert client.post(VERIFY, {"code": codes[3].upper()}).status_code == 302
    assert client.get("/admin/").status_code == 200
    assert last_audit("auth.login").metadata["factor"] == "recovery_code"


def test_a_malformed_code_is_an_error_on_the_page():
    admin = UserFactory(role="Administrator")
    enrol_totp(admin)
    client = Client()
    password_step(client, admin)
    response = client.post(VERIFY, {"code": "12<script>"})
    assert response.status_code == 200
    assert b"Enter 6 digits" in response.content
    assert audit_actions("auth.login_failed") == []


def test_the_second_step_without_a_password_leads_to_sign_in():
    response = Client().get(VERIFY)
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/"


def test_wrong_codes_lock_the_admin_out(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.AXES_FAILURE_LIMIT = 2
    admin = UserFactory(role="Administrator")
    device, _ = enrol_totp(admin)
    client = Client()
    password_step(client, admin)
    assert client.post(VERIFY, {"code": wrong_code(device)}).status_code == 200
    assert client.post(VERIFY, {"code": wrong_code(device)}).status_code == 429
    locked = client.post(VERIFY, {"code": totp_code(device)})
    assert locked.status_code == 429
    assert int(locked["Retry-After"]) > 0
    assert "_auth_user_id" not in client.session
    assert "auth.lockout" in audit_actions("auth.")


def test_a_signed_in_session_without_its_factor_is_sent_to_the_second_step():
    admin = UserFactory(role="Administrator")
    device, _ = enrol_totp(admin)
    client = Client()
    client.force_login(admin)  # a session from before the user enrolled
    response = client.get("/admin/accounts/user/")
    assert response.status_code == 302
    assert response["Location"].startswith(f"{VERIFY}?next=")
    assert client.get(security_url(admin)).status_code == 302  # nor their factors
    done = client.post(response["Location"], {"code": totp_code(device)})
    assert done["Location"] == "/admin/accounts/user/"
    assert client.get("/admin/accounts/user/").status_code == 200
    assert last_audit("auth.mfa_verify").metadata == {"factor": "totp"}


def test_an_oidc_session_is_not_asked(settings):
    settings.MFA_REQUIRED_ROLES = ["Administrator"]
    admin = UserFactory(role="Administrator")
    client = Client()
    client.force_login(admin)
    session = client.session
    session["auth_method"] = "oidc"
    session.save()
    assert client.get("/admin/").status_code == 200


# --- Enforcement: only enrolment until enrolled -----------------------------------------


def test_an_administrator_without_2fa_must_enrol_first(settings):
    settings.MFA_REQUIRED_ROLES = ["Administrator"]
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    admin = UserFactory(role="Administrator")
    client = Client()
    assert password_step(client, admin)["Location"] == "/admin/"
    assert last_audit("auth.login").metadata == {"via": "admin", "factor": "password"}
    for path in ("/admin/", "/admin/content/article/", "/admin/accounts/user/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == security_url(admin)
    page = client.get(security_url(admin))
    assert page.status_code == 200
    assert b"Your role requires it" in page.content
    client.post(f"{security_url(admin)}totp-begin/")
    page = client.get(security_url(admin))
    assert b"data-totp-qr" in page.content
    device = TOTPDevice.objects.get(user=admin)
    wrong = client.post(f"{security_url(admin)}totp-confirm/", {"code": wrong_code(device)})
    assert wrong.status_code == 200
    assert b"not correct" in wrong.content
    done = client.post(f"{security_url(admin)}totp-confirm/", {"code": totp_code(device)})
    assert done.status_code == 200
    assert done.content.count(b"<li><code>") == 10  # the recovery codes, this once
    assert client.get("/admin/").status_code == 200  # this session passed the factor
    assert client.get(security_url(admin)).content.count(b"<li><code>") == 0


def test_an_editor_is_not_required_unless_switched_on(settings):
    settings.MFA_REQUIRED_ROLES = ["Administrator"]
    editor = UserFactory(role="Editor")
    client = Client()
    password_step(client, editor)
    assert client.get("/admin/").status_code == 200


# --- The Security page ------------------------------------------------------------------


def _verified_client(user) -> Client:
    device, _ = enrol_totp(user)
    client = Client()
    password_step(client, user)
    assert client.post(VERIFY, {"code": totp_code(device)}).status_code == 302
    return client


def test_everyone_reaches_their_own_security_page():
    author = UserFactory(role="Author")
    client = Client()
    client.force_login(author)
    page = client.get(security_url(author))
    assert page.status_code == 200
    assert b"Add an authenticator app" in page.content
    assert b"mfa-reset-button" not in page.content


def test_an_editor_cannot_see_or_reset_anothers_security():
    editor, admin = UserFactory(role="Editor"), UserFactory(role="Administrator")
    enrol_totp(admin)
    client = Client()
    client.force_login(editor)
    assert client.get(security_url(admin)).status_code == 403
    assert client.post(f"{security_url(admin)}reset/").status_code == 403
    assert user_has_mfa(admin)


def test_an_administrator_resets_anothers_2fa_from_the_page(django_capture_on_commit_callbacks):
    from django.core import mail

    admin, editor = UserFactory(role="Administrator"), UserFactory(role="Editor")
    enrol_totp(editor)
    client = _verified_client(admin)
    page = client.get(security_url(editor))
    assert b"mfa-reset-button" in page.content
    assert b"totp-begin" not in page.content  # only the user enrols themself
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{security_url(editor)}reset/", follow=True)
    assert response.status_code == 200
    assert not user_has_mfa(editor)
    assert last_audit("mfa.reset").actor == admin
    assert mail.outbox[-1].to == [editor.email]
    # Nobody enrols or removes for someone else.
    assert client.post(f"{security_url(editor)}totp-begin/").status_code == 403


def test_removing_a_factor_from_the_page():
    user = UserFactory(role="Editor")
    client = _verified_client(user)
    device = TOTPDevice.objects.get(user=user)
    response = client.post(f"{security_url(user)}remove/", {"device": f"totp-{device.pk}"})
    assert response.status_code == 302
    assert not user_has_mfa(user)
    assert client.post(f"{security_url(user)}remove/", {"device": "totp-999"}).status_code == 404
    assert client.get(f"{security_url(user)}remove/").status_code == 405


def test_new_recovery_codes_from_the_page():
    user = UserFactory(role="Editor")
    client = _verified_client(user)
    response = client.post(f"{security_url(user)}recovery-codes/")
    assert response.status_code == 200
    assert response.content.count(b"<li><code>") == 10
