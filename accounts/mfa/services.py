"""Every write to a user's second factors. The admin's Security page and `auth/mfa/...`
call these; each audits what it changed."""

from __future__ import annotations

from base64 import b32encode
from dataclasses import dataclass
from typing import Any

import segno
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django_otp import devices_for_user
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.audit import audit_record
from accounts.mfa.devices import RECOVERY_CODES, device_kind, device_ref
from accounts.mfa.verify import TOTP_CODE, code_normalize
from accounts.models import User
from accounts.roles import require_perm
from accounts.tasks import email_send_task
from outbox.services import job_enqueue

RECOVERY_CODE_COUNT = 10
TOTP_NAME = "Authenticator app"


@dataclass(frozen=True)
class TotpEnrolment:
    """What an authenticator app needs: scan the QR code, or type the key."""

    device: TOTPDevice
    secret: str  # base32, as apps take it typed in
    otpauth_uri: str
    qr_svg: str


def _enrolment(device: TOTPDevice) -> TotpEnrolment:
    uri = device.config_url
    svg = segno.make(uri, error="m").svg_inline(scale=5, border=4, dark="#111827")
    return TotpEnrolment(
        device=device,
        secret=b32encode(device.bin_key).decode(),
        otpauth_uri=uri,
        qr_svg=svg,
    )


def totp_pending(user: User) -> TotpEnrolment | None:
    """The user's enrolment begun and not yet confirmed, if any."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    return None if device is None else _enrolment(device)


@transaction.atomic
def totp_enrol_begin(*, user: User, name: str = TOTP_NAME) -> TotpEnrolment:
    """Start adding an authenticator app: a new unconfirmed device (replacing one begun
    before), which counts only once a code from it is confirmed."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    device = TOTPDevice.objects.create(user=user, name=name or TOTP_NAME, confirmed=False)
    return _enrolment(device)


@transaction.atomic
def totp_enrol_confirm(*, user: User, code: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the pending authenticator app with a code from it. Returns the device and,
    when the user had none yet, their first recovery codes (shown this once)."""
    device = (
        TOTPDevice.objects.select_for_update()
        .filter(user=user, confirmed=False)
        .order_by("-pk")
        .first()
    )
    if device is None:
        raise ValidationError({"code": ["Start adding an authenticator app first."]})
    normalized = code_normalize(code)
    if not TOTP_CODE.fullmatch(normalized) or not device.verify_token(normalized):
        # Whoever confirms holds the secret already: a wrong code here guesses nothing.
        raise ValidationError({"code": ["The code is not correct; check the app's clock."]})
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes: list[str] = []
    if not StaticDevice.objects.filter(user=user, confirmed=True).exists():
        codes = _recovery_codes_replace(user)
    audit_record(
        actor=user,
        action="mfa.enrol",
        target=user,
        metadata={"kind": "totp", "device": device_ref(device), "recovery_codes": bool(codes)},
    )
    return device, codes


def _format_code(token: str) -> str:
    return f"{token[:4]}-{token[4:]}"


def _recovery_codes_replace(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    tokens = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=t) for t in tokens)
    return [_format_code(t) for t in tokens]


def _primary_devices(user: User) -> list[Device]:
    return [d for d in devices_for_user(user) if device_kind(d) != RECOVERY_CODES]


@transaction.atomic
def recovery_codes_regenerate(*, user: User) -> list[str]:
    """New recovery codes (the old ones stop working), shown this once. Only for a user
    with another factor: recovery codes stand in for a lost one."""
    if not _primary_devices(user):
        raise ValidationError({"recovery_codes": ["Add an authenticator app or a passkey first."]})
    codes = _recovery_codes_replace(user)
    audit_record(
        actor=user, action="mfa.recovery_codes", target=user, metadata={"count": len(codes)}
    )
    return codes


@transaction.atomic
def device_remove(*, actor: User, device: Device) -> None:
    """Remove one of the actor's own factors. Removing the last authenticator or passkey
    removes the recovery codes too: alone they would be a password's twin, not 2FA."""
    user = device.user
    if user.pk != actor.pk:
        raise PermissionDenied("You can only remove your own factors; an Administrator resets.")
    ref, kind = device_ref(device), device_kind(device)
    device.delete()
    removed = [ref]
    if kind != RECOVERY_CODES and not _primary_devices(user):
        removed += [device_ref(d) for d in StaticDevice.objects.filter(user=user)]
        StaticDevice.objects.filter(user=user).delete()
    audit_record(actor=actor, action="mfa.remove", target=user, metadata={"devices": removed})


@transaction.atomic
def mfa_reset(*, actor: User, user: User) -> int:
    """An Administrator's answer to a lost device: remove all of another user's factors
    (they enrol again at their next sign-in if their role requires it), audited, and the
    user is told by email. Returns how many devices were removed."""
    require_perm(actor, "accounts.change_user", "Only an Administrator can reset 2FA.")
    if actor.pk == user.pk:
        raise ValidationError({"user": ["Remove your own factors on your Security page."]})
    devices = list(devices_for_user(user, confirmed=None))
    refs = [device_ref(d) for d in devices]
    for device in devices:
        device.delete()
    audit_record(actor=actor, action="mfa.reset", target=user, metadata={"devices": refs})
    job_enqueue(
        email_send_task,
        subject="Your Folio two-factor sign-in was reset",
        body=_reset_email(actor, user),
        to=[user.email],
    )
    return len(refs)


def _reset_email(actor: Any, user: User) -> str:
    return (
        f"Hello {user.get_short_name()},\n\n{actor.get_full_name() or actor.email}, an "
        "Administrator, removed the two-factor sign-in (authenticator apps, passkeys and "
        "recovery codes) from your Folio account. Set it up again at your next sign-in: "
        f"{settings.FOLIO_BASE_URL}/admin/\n\nIf you did not ask for this, tell your "
        "Administrators at once."
    )
