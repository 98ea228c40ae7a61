"""Reads of passkeys: only ever a user's own."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django_otp_webauthn.models import WebAuthnCredential


def passkey_list(*, user: Any) -> QuerySet[WebAuthnCredential]:
    """`user`'s passkeys, the most recently added first."""
    # django-otp-webauthn ships no types: its manager's queryset is Any to mypy.
    rows: QuerySet[WebAuthnCredential] = WebAuthnCredential.objects.filter(user=user)
    return rows.order_by("-created_at", "-pk")


def passkey_get(*, user: Any, passkey_id: int) -> WebAuthnCredential | None:
    """One of `user`'s passkeys by id; None when there is no such passkey of theirs."""
    return passkey_list(user=user).filter(pk=passkey_id).first()
