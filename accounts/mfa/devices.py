"""A user's second factors as one list, whatever django-otp plugin stores them.

Each device is named to clients by a reference `<kind>-<pk>` ("totp-3"), unique across
the plugins' tables. A kind this module does not know (a plugin added later) is listed
under its model name, so it still counts and can still be removed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django_otp import devices_for_user
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

TOTP = "totp"
RECOVERY_CODES = "recovery_codes"
PASSKEY = "passkey"
# The factor a sign-in used, as the audit log and `methods` name it.
FACTOR_OF_KIND = {TOTP: "totp", RECOVERY_CODES: "recovery_code", PASSKEY: "passkey"}


def device_kind(device: Device) -> str:
    if isinstance(device, TOTPDevice):
        return TOTP
    if isinstance(device, StaticDevice):
        return RECOVERY_CODES
    if device._meta.label_lower == "django_otp_webauthn.webauthncredential":
        return PASSKEY
    return device._meta.model_name or "device"


def device_ref(device: Device) -> str:
    return f"{device_kind(device)}-{device.pk}"


@dataclass(frozen=True)
class DeviceInfo:
    """One confirmed factor, as the Security page and `auth/mfa/` show it."""

    id: str
    kind: str
    name: str
    created_at: datetime | None
    last_used_at: datetime | None
    remaining: int | None  # recovery codes left; None for other kinds
    device: Any


def device_info(device: Device) -> DeviceInfo:
    kind = device_kind(device)
    remaining = device.token_set.count() if isinstance(device, StaticDevice) else None
    return DeviceInfo(
        id=device_ref(device),
        kind=kind,
        name=device.name,
        created_at=getattr(device, "created_at", None),
        last_used_at=getattr(device, "last_used_at", None),
        remaining=remaining,
        device=device,
    )


def device_list(user: Any) -> list[DeviceInfo]:
    """The user's confirmed factors, oldest first within each kind."""
    return [device_info(d) for d in devices_for_user(user, confirmed=True)]


def device_get(user: Any, ref: str) -> Device | None:
    """The user's confirmed device named by `ref`, or None (someone else's is None too)."""
    return next((d for d in devices_for_user(user, confirmed=True) if device_ref(d) == ref), None)


def signin_methods(user: Any) -> list[str]:
    """The factors the user can finish a sign-in with, for `{"methods": [...]}`."""
    methods: list[str] = []
    for device in devices_for_user(user, confirmed=True):
        if isinstance(device, StaticDevice) and not device.token_set.exists():
            continue  # every recovery code used up
        factor = FACTOR_OF_KIND.get(device_kind(device), device_kind(device))
        if factor not in methods:
            methods.append(factor)
    return methods
