"""The ticket between a password check and its second factor.

After the password, a user with 2FA gets a ticket, not tokens or a session: signed with
SECRET_KEY, expiring after MFA_TICKET_SECONDS, bound to the user and to the password that
was checked (a password change voids it), and good for one sign-in (a used ticket's nonce
is remembered in the cache until it would have expired anyway). Wrong codes do not use it
up: the lockout (accounts.mfa.verify) limits the tries.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils.crypto import salted_hmac
from rest_framework.exceptions import AuthenticationFailed

from accounts.models import User

_SALT = "folio.mfa.ticket"
INVALID = "This sign-in ticket is invalid, expired or already used; sign in again."


class TicketInvalid(AuthenticationFailed):
    default_code = "mfa_ticket_invalid"
    default_detail = INVALID


def _password_mark(user: User) -> str:
    return salted_hmac(_SALT, user.password).hexdigest()[:20]


def ticket_issue(user: User) -> str:
    """A ticket for `user`, whose password was just checked."""
    payload = {"u": user.pk, "p": _password_mark(user), "n": secrets.token_urlsafe(12)}
    return signing.dumps(payload, salt=_SALT, compress=True)


def _payload(ticket: str) -> dict[str, Any]:
    try:
        payload = signing.loads(ticket, salt=_SALT, max_age=settings.MFA_TICKET_SECONDS)
    except (signing.BadSignature, ValueError, TypeError):
        raise TicketInvalid(INVALID) from None
    if not isinstance(payload, dict) or not {"u", "p", "n"} <= payload.keys():
        raise TicketInvalid(INVALID)
    return payload


def ticket_user(ticket: str) -> User:
    """The active user a valid, unused ticket was issued to; TicketInvalid otherwise."""
    payload = _payload(ticket)
    user = User.objects.filter(pk=payload["u"], is_active=True).first()
    if user is None or not secrets.compare_digest(payload["p"], _password_mark(user)):
        raise TicketInvalid(INVALID)
    if cache.get(_used_key(payload)) is not None:
        raise TicketInvalid(INVALID)
    return user


def ticket_use(ticket: str) -> None:
    """Mark the ticket used; TicketInvalid if another request used it first."""
    payload = _payload(ticket)
    if not cache.add(_used_key(payload), 1, timeout=settings.MFA_TICKET_SECONDS + 5):
        raise TicketInvalid(INVALID)


def _used_key(payload: dict[str, Any]) -> str:
    return f"mfa-ticket-used:{payload['n']}"
