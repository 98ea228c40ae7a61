"""Two-factor sign-in over the API: the token endpoint's ticket, auth/token/mfa/,
auth/mfa/..., enforcement per role, lockout, and an Administrator's reset."""

from __future__ import annotations

import pytest
from django.core import signing
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from accounts.mfa.policy import user_has_mfa
from tests.accounts.factories import PASSWORD, ApiKeyFactory, UserFactory
from tests.accounts.mfa_helpers import (
    audit_actions,
    enrol_totp,
    last_audit,
    totp_code,
    wrong_code,
)

pytestmark = pytest.mark.django_db
TOKEN = "/api/v1/auth/token/"
TOKEN_MFA = "/api/v1/auth/token/mfa/"


def password_step(client, user):
    return client.post(TOKEN, {"email": user.email, "password": PASSWORD}, format="json")


def ticket_for(client, user) -> str:
    response = password_step(client, user)
    assert response.status_code == 200, response.json()
    return response.json()["ticket"]


def bearer_client(access: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client


def test_a_user_without_2fa_gets_tokens_for_the_password(api_client):
    user = UserFactory(role="Editor")
    response = password_step(api_client, user)
    assert response.status_code == 200
    assert set(response.json()) == {"access", "refresh"}
    assert last_audit("auth.login").metadata == {"via": "api", "factor": "password"}


def test_a_user_with_2fa_gets_a_ticket_never_tokens(api_client):
    user = UserFactory(role="Editor")
    device, _ = enrol_totp(user)
    response = password_step(api_client, user)
    assert response.status_code == 200
    body = response.json()
    assert body["mfa_required"] is True
    assert body["methods"] == ["totp", "recovery_code"]
    assert "access" not in body
    assert "refresh" not in body
    assert audit_actions("auth.login") == []
    second = api_client.post(
        TOKEN_MFA, {"ticket": body["ticket"], "code": totp_code(device)}, format="json"
    )
    assert second.status_code == 200, second.json()
    pair = second.json()
    assert set(pair) == {"access", "refresh"}
    assert AccessToken(pair["access"])["amr"] == ["pwd", "mfa", "totp"]
    me = bearer_client(pair["access"]).get("/api/v1/auth/me/")
    assert me.json()["email"] == user.email
    event = last_audit("auth.login")
    assert (event.actor, event.metadata) == (user, {"via": "api", "factor": "totp"})


def test_a_recovery_code_signs_in_once(api_client):
    user = UserFactory()
    _, codes = enrol_totp(user)
    ticket = ticket_for(api_client, user)
    ok = api_client.post(TOKEN_MFA, {"ticket": ticket, "code": codes[0]}, format="json")
    assert ok.status_code == 200
    assert last_audit("auth.login").metadata["factor"] == "recovery_code"
    again = api_client.post(
        TOKEN_MFA, {"ticket": ticket_for(api_client, user), "code": codes[0]}, format="json"
    )
    assert again.status_code == 401
    assert again.json()["error"]["code"] == "invalid_code"


def test_a_replayed_totp_code_is_refused(api_client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the refusal is the replay's, not a wait's
    user = UserFactory()
    device, _ = enrol_totp(user)
    code = totp_code(device)
    first = api_client.post(
        TOKEN_MFA, {"ticket": ticket_for(api_client, user), "code": code}, format="json"
    )
    assert first.status_code == 200
    replay = api_client.post(
        TOKEN_MFA, {"ticket": ticket_for(api_client, user), "code": code}, format="json"
    )
    assert replay.status_code == 401
    assert replay.json()["error"]["code"] == "invalid_code"


def test_a_ticket_works_once(api_client):
    user = UserFactory()
    device, _ = enrol_totp(user)
    ticket = ticket_for(api_client, user)
    assert (
        api_client.post(
            TOKEN_MFA, {"ticket": ticket, "code": totp_code(device)}, format="json"
        ).status_code
        == 200
    )
    reused = api_client.post(
        TOKEN_MFA, {"ticket": ticket, "code": totp_code(device, steps=1)}, format="json"
    )
    assert reused.status_code == 401
    assert reused.json()["error"]["code"] == "mfa_ticket_invalid"


@pytest.mark.parametrize(
    "ticket", ["nonsense", "", signing.dumps({"u": 1, "p": "x", "n": "y"}, salt="other")]
)
def test_a_bad_ticket_is_refused(api_client, ticket):
    response = api_client.post(TOKEN_MFA, {"ticket": ticket, "code": "123456"}, format="json")
    assert response.status_code in (400, 401)
    code = response.json()["error"]["code"]
    assert code == ("validation_error" if ticket == "" else "mfa_ticket_invalid")


def test_an_expired_ticket_is_refused(api_client, time_machine):
    user = UserFactory()
    device, _ = enrol_totp(user)
    time_machine.move_to(timezone.now(), tick=True)
    ticket = ticket_for(api_client, user)
    time_machine.shift(301)  # MFA_TICKET_SECONDS is 300
    response = api_client.post(
        TOKEN_MFA, {"ticket": ticket, "code": totp_code(device)}, format="json"
    )
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "mfa_ticket_invalid"


def test_a_password_change_voids_the_ticket(api_client):
    user = UserFactory()
    device, _ = enrol_totp(user)
    ticket = ticket_for(api_client, user)
    user.set_password("another-long-passphrase-42")
    user.save()
    response = api_client.post(
        TOKEN_MFA, {"ticket": ticket, "code": totp_code(device)}, format="json"
    )
    assert response.status_code == 401


@pytest.mark.parametrize(
    "body",
    [
        {"code": "12345"},
        {"code": "1234567"},
        {"code": "12ab56"},
        {"code": "abcd-efg!"},
        {"code": 123456},
        {"code": "123456", "extra": 1},
    ],
)
def test_a_malformed_code_is_a_400(api_client, body):
    user = UserFactory()
    enrol_totp(user)
    response = api_client.post(
        TOKEN_MFA, {"ticket": ticket_for(api_client, user), **body}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"
    assert audit_actions("auth.login_failed") == []


def test_wrong_codes_lock_out_like_passwords(api_client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # only django-axes' count here
    settings.AXES_FAILURE_LIMIT = 3
    user = UserFactory()
    device, _ = enrol_totp(user)
    ticket = ticket_for(api_client, user)
    statuses = [
        api_client.post(
            TOKEN_MFA, {"ticket": ticket, "code": wrong_code(device)}, format="json"
        ).status_code
        for _ in range(3)
    ]
    assert statuses == [401, 401, 429]
    locked = api_client.post(
        TOKEN_MFA, {"ticket": ticket, "code": totp_code(device)}, format="json"
    )
    assert locked.status_code == 429
    assert locked.json()["error"]["code"] == "throttled"
    assert int(locked["Retry-After"]) > 0
    failed = last_audit("auth.login_failed")
    assert failed.metadata == {"email": user.email, "factor": "totp"}
    assert audit_actions("auth.login_failed") == ["auth.login_failed"] * 3
    assert last_audit("auth.lockout").metadata["email"] == user.email
    # The password is locked out too: one count for both.
    assert password_step(api_client, user).status_code == 429


def test_a_wrong_code_makes_the_next_try_wait(api_client):
    user = UserFactory()
    device, _ = enrol_totp(user)
    ticket = ticket_for(api_client, user)
    wrong = api_client.post(
        TOKEN_MFA, {"ticket": ticket, "code": wrong_code(device)}, format="json"
    )
    assert wrong.status_code == 401
    right = api_client.post(TOKEN_MFA, {"ticket": ticket, "code": totp_code(device)}, format="json")
    assert right.status_code == 429
    assert right.json()["error"]["details"]["retry_after"] >= 1
    assert int(right["Retry-After"]) >= 1


# --- auth/mfa/... -------------------------------------------------------------------


def test_enrolment_over_the_api(client_for):
    user = UserFactory(role="Editor")
    client = client_for(user)
    status = client.get("/api/v1/auth/mfa/").json()
    assert status == {
        "enabled": False,
        "required": False,
        "enrolment_required": False,
        "methods": [],
        "devices": [],
    }
    begun = client.post("/api/v1/auth/mfa/totp/", {"name": "Phone"}, format="json")
    assert begun.status_code == 201
    body = begun.json()
    assert body["otpauth_uri"].startswith("otpauth://totp/")
    assert body["qr_svg"].startswith("<svg")
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user=user)
    bad = client.post("/api/v1/auth/mfa/totp/confirm/", {"code": wrong_code(device)}, format="json")
    assert bad.status_code == 400
    done = client.post("/api/v1/auth/mfa/totp/confirm/", {"code": totp_code(device)}, format="json")
    assert done.status_code == 201
    assert done.json()["device"]["kind"] == "totp"
    assert done.json()["device"]["name"] == "Phone"
    assert len(done.json()["recovery_codes"]) == 10
    status = client.get("/api/v1/auth/mfa/").json()
    assert status["enabled"] is True
    assert [d["kind"] for d in status["devices"]] == ["totp", "recovery_codes"]
    assert status["devices"][1]["remaining"] == 10
    # A token got on the password alone reads the factors but no longer changes them.
    refused = client.post("/api/v1/auth/mfa/recovery-codes/")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "mfa_verification_required"
    api = APIClient()
    pair = api.post(
        TOKEN_MFA, {"ticket": ticket_for(api, user), "code": totp_code(device, 1)}, format="json"
    ).json()
    client = bearer_client(pair["access"])
    codes = client.post("/api/v1/auth/mfa/recovery-codes/")
    assert codes.status_code == 201
    assert len(codes.json()["recovery_codes"]) == 10
    ref = status["devices"][0]["id"]
    assert client.get(f"/api/v1/auth/mfa/devices/{ref}/").json()["id"] == ref
    assert client.delete(f"/api/v1/auth/mfa/devices/{ref}/").status_code == 204
    assert client.get("/api/v1/auth/mfa/").json()["devices"] == []


def test_another_users_device_is_a_404(client_for):
    owner, other = UserFactory(), UserFactory()
    device, _ = enrol_totp(owner)
    response = client_for(other).delete(f"/api/v1/auth/mfa/devices/totp-{device.pk}/")
    assert response.status_code == 404
    assert user_has_mfa(owner)


def test_api_keys_do_not_manage_factors(api_client):
    key = ApiKeyFactory()
    api_client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key.raw_key}")
    assert api_client.get("/api/v1/auth/mfa/").status_code == 403


# --- Enforcement per role -----------------------------------------------------------


def test_an_administrator_without_2fa_reaches_only_enrolment(api_client, settings):
    settings.MFA_REQUIRED_ROLES = ["Administrator"]
    admin = UserFactory(role="Administrator")
    pair = password_step(api_client, admin).json()
    client = bearer_client(pair["access"])
    refused = client.get("/api/v1/users/")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "mfa_enrolment_required"
    assert client.get("/api/v1/articles/").status_code == 403
    assert client.get("/api/v1/auth/me/").status_code == 200
    assert client.get("/api/v1/auth/mfa/").json()["enrolment_required"] is True
    assert client.post("/api/v1/auth/mfa/totp/").status_code == 201
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user=admin)
    confirmed = client.post(
        "/api/v1/auth/mfa/totp/confirm/", {"code": totp_code(device)}, format="json"
    )
    assert confirmed.status_code == 201
    assert client.get("/api/v1/users/").status_code == 200
    # From now on, the password alone gives a ticket.
    assert password_step(api_client, admin).json()["mfa_required"] is True
    out = client.post("/api/v1/auth/logout/", {"refresh": pair["refresh"]}, format="json")
    assert out.status_code == 204


def test_editors_are_required_once_switched_on(
    api_client, settings, django_capture_on_commit_callbacks
):
    from flags.services import switch_set

    settings.MFA_REQUIRED_ROLES = ["Administrator"]
    editor = UserFactory(role="Editor")
    client = bearer_client(password_step(api_client, editor).json()["access"])
    assert client.get("/api/v1/articles/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        switch_set(actor=None, name="folio_mfa_editors", active=True)
    refused = client.get("/api/v1/articles/")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "mfa_enrolment_required"


def test_api_keys_are_not_asked_for_a_factor(api_client, settings):
    settings.MFA_REQUIRED_ROLES = ["Administrator"]
    key = ApiKeyFactory()  # an Administrator's, without 2FA
    api_client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key.raw_key}")
    assert api_client.get("/api/v1/articles/").status_code == 200


# --- An Administrator's reset -------------------------------------------------------


def test_an_administrator_resets_anothers_2fa(admin_client, django_capture_on_commit_callbacks):
    from django.core import mail

    editor = UserFactory(role="Editor")
    enrol_totp(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"/api/v1/users/{editor.pk}/reset-mfa/")
    assert response.status_code == 200
    assert response.json() == {"removed": 2}
    assert not user_has_mfa(editor)
    assert last_audit("mfa.reset").target_id == str(editor.pk)
    assert mail.outbox[-1].to == [editor.email]


def test_an_editor_cannot_reset_anothers_2fa(client_for):
    editor, admin = UserFactory(role="Editor"), UserFactory(role="Administrator")
    enrol_totp(admin)
    response = client_for(editor).post(f"/api/v1/users/{admin.pk}/reset-mfa/")
    assert response.status_code == 403
    assert user_has_mfa(admin)


def test_the_schema_documents_the_two_steps(api_client):
    schema = api_client.get("/api/schema/?format=json").json()
    paths = schema["paths"]
    for path in (
        "/api/v1/auth/token/mfa/",
        "/api/v1/auth/mfa/",
        "/api/v1/auth/mfa/totp/",
        "/api/v1/auth/mfa/totp/confirm/",
        "/api/v1/auth/mfa/recovery-codes/",
        "/api/v1/auth/mfa/devices/{device_id}/",
        "/api/v1/users/{id}/reset-mfa/",
    ):
        assert path in paths, path
    token_ok = paths["/api/v1/auth/token/"]["post"]["responses"]["200"]
    ref = token_ok["content"]["application/json"]["schema"]["$ref"]
    result = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    assert {item["$ref"].rsplit("/", 1)[-1] for item in result["oneOf"]} == {
        "TokenPair",
        "MfaChallenge",
    }


def test_a_token_from_the_identity_provider_is_not_asked(settings):
    from rest_framework_simplejwt.tokens import RefreshToken

    settings.MFA_REQUIRED_ROLES = ["Administrator"]
    admin = UserFactory(role="Administrator")
    password_only = RefreshToken.for_user(admin)
    assert bearer_client(str(password_only.access_token)).get("/api/v1/users/").status_code == 403
    oidc = RefreshToken.for_user(admin)
    oidc["amr"] = ["oidc"]
    assert bearer_client(str(oidc.access_token)).get("/api/v1/users/").status_code == 200
