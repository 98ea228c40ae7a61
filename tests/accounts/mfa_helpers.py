"""Two-factor helpers for tests: a user with an authenticator app, and its codes.

Codes are computed as an authenticator app would, from the device's key
(django_otp.oath.TOTP); `steps` gives the code of a later 30-second window, which the
device accepts (tolerance 1) and which a test needs for a second sign-in, since a used
window's code is refused (replay protection).
"""

from __future__ import annotations

import time

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.mfa import services
from governance.models import AuditEvent


def totp_code(device: TOTPDevice, steps: int = 0) -> str:
    # An app knows nothing of the drift the device has learned: the clock's code.
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, 0)
    totp.time = time.time() + steps * device.step
    return f"{totp.token():0{device.digits}d}"


def enrol_totp(user) -> tuple[TOTPDevice, list[str]]:
    """Give `user` a confirmed authenticator app through the services; returns it and the
    recovery codes. The code used to confirm is of the window before now, so the current
    window's code is still unused."""
    enrolment = services.totp_enrol_begin(user=user)
    device = enrolment.device
    # The window before now is one step back, which the device allows (tolerance 1), until
    # the clock moves into the next window: then it is two. Near the end of a window, wait
    # for the next one, so that a busy machine cannot cross it between the two lines.
    left = device.step - (time.time() - device.t0) % device.step
    if left < 3:
        time.sleep(left)
    return services.totp_enrol_confirm(user=user, code=totp_code(device, steps=-1))


def audit_actions(prefix: str = "") -> list[str]:
    return list(
        AuditEvent.objects.filter(action__startswith=prefix)
        .order_by("id")
        .values_list("action", flat=True)
    )


def last_audit(action: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).latest("id")


def wrong_code(device: TOTPDevice) -> str:
    """Six digits that are not the device's code in any window it accepts now."""
    valid = {totp_code(device, steps) for steps in (-2, -1, 0, 1, 2)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in valid)
