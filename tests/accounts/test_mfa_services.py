"""Two-factor services: enrolment, recovery codes, removal, reset, policy, verification."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.exceptions import Throttled

from accounts.mfa import services
from accounts.mfa.devices import device_list, signin_methods
from accounts.mfa.policy import enrolment_required, mfa_required_for, user_has_mfa
from accounts.mfa.verify import CodeInvalid, second_factor_verify
from flags.services import switch_set
from tests.accounts.factories import UserFactory
from tests.accounts.mfa_helpers import audit_actions, enrol_totp, last_audit, totp_code

pytestmark = pytest.mark.django_db


def _request():
    return RequestFactory().post("/api/v1/auth/token/mfa/", REMOTE_ADDR="203.0.113.9")


def test_an_enrolment_counts_only_once_confirmed():
    user = UserFactory()
    enrolment = services.totp_enrol_begin(user=user)
    assert enrolment.otpauth_uri.startswith("otpauth://totp/Folio")
    assert "secret=" in enrolment.otpauth_uri
    assert enrolment.secret in enrolment.otpauth_uri
    assert enrolment.qr_svg.startswith("<svg")
    assert not user_has_mfa(user)
    with pytest.raises(ValidationError):
        services.totp_enrol_confirm(
            user=user, code="000000" if totp_code(enrolment.device) != "000000" else "111111"
        )
    assert not user_has_mfa(user)
    device, codes = services.totp_enrol_confirm(user=user, code=totp_code(enrolment.device))
    assert device.confirmed
    assert user_has_mfa(user)
    assert len(codes) == 10
    assert len(set(codes)) == 10
    assert all(len(code) == 9 and code[4] == "-" for code in codes)
    assert audit_actions("mfa.") == ["mfa.enrol"]
    assert last_audit("mfa.enrol").metadata["kind"] == "totp"
    assert signin_methods(user) == ["totp", "recovery_code"]


def test_beginning_again_replaces_the_unconfirmed_device():
    user = UserFactory()
    first = services.totp_enrol_begin(user=user)
    second = services.totp_enrol_begin(user=user)
    assert first.secret != second.secret
    assert list(TOTPDevice.objects.filter(user=user).values_list("pk", flat=True)) == [
        second.device.pk
    ]
    with pytest.raises(ValidationError):  # the first app's code is for a key now gone
        services.totp_enrol_confirm(user=user, code=totp_code(first.device))


def test_confirming_with_nothing_begun_is_refused():
    with pytest.raises(ValidationError, match="Start adding"):
        services.totp_enrol_confirm(user=UserFactory(), code="123456")


def test_new_recovery_codes_replace_the_old_ones(settings):
    settings.OTP_STATIC_THROTTLE_FACTOR = 0  # no wait after the old code: not tested here
    user = UserFactory()
    _, old = enrol_totp(user)
    new = services.recovery_codes_regenerate(user=user)
    assert set(new).isdisjoint(old)
    with pytest.raises(CodeInvalid):
        second_factor_verify(request=_request(), user=user, code=old[0])
    device = second_factor_verify(request=_request(), user=user, code=new[0].upper())
    assert isinstance(device, StaticDevice)
    with pytest.raises(CodeInvalid):  # used up
        second_factor_verify(request=_request(), user=user, code=new[0])
    assert "mfa.recovery_codes" in audit_actions("mfa.")


def test_recovery_codes_need_another_factor():
    with pytest.raises(ValidationError):
        services.recovery_codes_regenerate(user=UserFactory())


def test_removing_the_last_app_takes_the_recovery_codes():
    user = UserFactory()
    device, _ = enrol_totp(user)
    ref = f"totp-{device.pk}"
    services.device_remove(actor=user, device=device)
    assert not user_has_mfa(user)
    assert not StaticDevice.objects.filter(user=user).exists()
    assert last_audit("mfa.remove").metadata["devices"][0] == ref


def test_nobody_removes_another_users_factor():
    user, other = UserFactory(), UserFactory(role="Administrator")
    device, _ = enrol_totp(user)
    with pytest.raises(PermissionDenied):
        services.device_remove(actor=other, device=device)
    assert user_has_mfa(user)


def test_an_administrator_resets_a_lost_device(django_capture_on_commit_callbacks):
    admin = UserFactory(role="Administrator", full_name="Ada Admin")
    editor = UserFactory(role="Editor", email="ed@example.com")
    enrol_totp(editor)
    with django_capture_on_commit_callbacks(execute=True):
        removed = services.mfa_reset(actor=admin, user=editor)
    assert removed == 2  # the app and the recovery codes
    assert not user_has_mfa(editor)
    assert device_list(editor) == []
    event = last_audit("mfa.reset")
    assert (event.actor, event.target_id) == (admin, str(editor.pk))
    assert [m.to for m in mail.outbox] == [["ed@example.com"]]
    assert "Ada Admin" in mail.outbox[0].body


def test_an_editor_cannot_reset_anothers_2fa():
    editor, admin = UserFactory(role="Editor"), UserFactory(role="Administrator")
    enrol_totp(admin)
    with pytest.raises(PermissionDenied):
        services.mfa_reset(actor=editor, user=admin)
    assert user_has_mfa(admin)
    assert audit_actions("mfa.reset") == []


def test_an_administrator_does_not_reset_their_own():
    admin = UserFactory(role="Administrator")
    with pytest.raises(ValidationError):
        services.mfa_reset(actor=admin, user=admin)


def test_administrators_are_required_by_default():
    from config.settings import mfa as mfa_settings

    assert mfa_settings.MFA_REQUIRED_ROLES == ["Administrator"]


def _switch(actor, name, captured):
    with captured(execute=True):  # waffle's cache is emptied on commit
        switch_set(actor=actor, name=name, active=True)


def test_roles_required_by_the_setting_and_the_switches(
    settings, django_capture_on_commit_callbacks
):
    settings.MFA_REQUIRED_ROLES = ["Administrator"]
    admin, editor, reviewer = (
        UserFactory(role="Administrator"),
        UserFactory(role="Editor"),
        UserFactory(role="Reviewer"),
    )
    author = UserFactory(role="Author")
    superuser = UserFactory(is_superuser=True, is_staff=True)  # in no role group
    assert mfa_required_for(superuser)
    assert mfa_required_for(admin)
    assert enrolment_required(admin)
    assert not mfa_required_for(editor)
    assert not mfa_required_for(reviewer)
    _switch(admin, "folio_mfa_editors", django_capture_on_commit_callbacks)
    assert mfa_required_for(editor)
    assert not mfa_required_for(reviewer)
    _switch(admin, "folio_mfa_reviewers", django_capture_on_commit_callbacks)
    assert mfa_required_for(reviewer)
    assert not mfa_required_for(author)
    enrol_totp(editor)
    assert mfa_required_for(editor)
    assert not enrolment_required(editor)


def test_a_totp_code_is_refused_when_replayed():
    user = UserFactory()
    device, _ = enrol_totp(user)
    code = totp_code(device)
    assert second_factor_verify(request=_request(), user=user, code=code) == device
    with pytest.raises((CodeInvalid, Throttled)):
        second_factor_verify(request=_request(), user=user, code=code)


def test_a_wrong_code_makes_the_device_wait(settings):
    user = UserFactory()
    device, _ = enrol_totp(user)
    with pytest.raises(CodeInvalid):
        second_factor_verify(
            request=_request(),
            user=user,
            code="000000" if totp_code(device) != "000000" else "111111",
        )
    with pytest.raises(Throttled) as raised:  # even the right code, until the wait is over
        second_factor_verify(request=_request(), user=user, code=totp_code(device))
    assert raised.value.wait >= 1
    device.refresh_from_db()
    assert device.throttling_failure_count == 1


def test_a_misspelt_required_role_fails_the_checks(settings):
    from accounts.mfa.checks import check_mfa_required_roles

    settings.MFA_REQUIRED_ROLES = ["Administrators"]
    assert [e.id for e in check_mfa_required_roles()] == ["accounts.E101"]
    settings.MFA_REQUIRED_ROLES = ["Administrator", "Editor"]
    assert check_mfa_required_roles() == []
