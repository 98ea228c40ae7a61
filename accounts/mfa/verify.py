"""Checking a second factor: django-otp's per-device throttling and TOTP replay
protection, and django-axes' lockout shared with passwords.

A wrong code is a failed sign-in to django-axes (Django's `user_login_failed`, with the
factor): after AXES_FAILURE_LIMIT failures of passwords and codes together the (address,
account) pair is locked out for AXES_COOLOFF_TIME, and the audit log has a row for each.
django-otp also makes each device wait 1, 2, 4, 8... seconds after a wrong code, and never
accepts a TOTP code of a time step already used (`last_t`), so a code seen over a
shoulder cannot be replayed within its window.
"""

from __future__ import annotations

import math
import re
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.utils import timezone
from django_otp import devices_for_user
from django_otp.models import Device
from rest_framework.exceptions import AuthenticationFailed, Throttled

from accounts.mfa.devices import FACTOR_OF_KIND, RECOVERY_CODES, TOTP, device_kind

TOTP_CODE = re.compile(r"\d{6}")
RECOVERY_CODE = re.compile(r"[a-z2-7]{8}")  # django-otp's StaticToken.random_token()
LOCKED = "Too many failed sign-ins; try again later."
WAIT = "Too many wrong codes; wait before trying again."


class CodeInvalid(AuthenticationFailed):
    default_code = "invalid_code"
    default_detail = "The code is not correct (or was already used)."


class CodeThrottled(Throttled):
    default_code = "throttled"


def code_normalize(code: str) -> str:
    """A code as typed ("123 456", "ABCD-EFGH") in the form devices check."""
    return re.sub(r"[\s-]", "", str(code)).lower()


def code_wellformed(code: str) -> bool:
    """Six digits (an authenticator app) or eight letters and digits (a recovery code)."""
    normalized = code_normalize(code)
    return bool(TOTP_CODE.fullmatch(normalized) or RECOVERY_CODE.fullmatch(normalized))


def _axes_request(request: Any) -> Any:
    return getattr(request, "_request", request)  # DRF's Request wraps Django's


def _cooloff_seconds() -> int | None:
    cooloff = settings.AXES_COOLOFF_TIME
    return int(cooloff.total_seconds()) if cooloff else None


def signin_locked(request: Any, user: Any) -> bool:
    """Whether django-axes has locked this address out of this account."""
    if not settings.AXES_ENABLED:
        return False
    return AxesProxyHandler.is_locked(_axes_request(request), {"email": user.email})


def second_factor_verify(*, request: Any, user: Any, code: str) -> Device:
    """The user's device that accepts `code` (a TOTP or recovery code, used up by this);
    CodeThrottled while locked out or throttled, CodeInvalid (a counted failure) if none
    accepts it."""
    if signin_locked(request, user):
        raise CodeThrottled(wait=_cooloff_seconds(), detail=LOCKED)
    normalized = code_normalize(code)
    kind = TOTP if TOTP_CODE.fullmatch(normalized) else RECOVERY_CODES
    waits: list[float] = []
    checked = False
    # Rows locked while checking: two requests with one code cannot both pass. The
    # throttle counters a failure writes are committed with the block.
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            if device_kind(device) != kind:
                continue
            allowed, data = device.verify_is_allowed()
            if not allowed:
                until = (data or {}).get("locked_until")
                waits.append((until - timezone.now()).total_seconds() if until else 1)
                continue
            checked = True
            if device.verify_token(normalized):
                return device
    if waits and not checked:
        # Not checked at all, so not a failure: the client only waits.
        raise CodeThrottled(wait=max(1, math.ceil(max(waits))), detail=WAIT)
    user_login_failed.send(
        sender=__name__,
        credentials={"email": user.email, "factor": FACTOR_OF_KIND[kind]},
        request=_axes_request(request),
    )
    raise CodeInvalid()
