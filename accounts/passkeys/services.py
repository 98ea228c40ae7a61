"""Every write to a passkey and the audit rows of the ceremonies.

The ceremonies themselves (creating a credential, checking an assertion) are
django-otp-webauthn's; accounts.passkeys.ceremony calls the recorders below once the
library has accepted them.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django_otp_webauthn.models import WebAuthnCredential

from accounts.audit import audit_changes, audit_record

NAME_MAX_LENGTH = WebAuthnCredential._meta.get_field("name").max_length or 64


def _details(passkey: WebAuthnCredential) -> dict[str, Any]:
    return {"passkey_id": passkey.pk, "name": passkey.name, "user": passkey.user_id}


def passkey_added_record(*, actor: Any, passkey: WebAuthnCredential) -> None:
    """Audit a passkey the library has just registered for `actor`."""
    audit_record(actor=actor, action="mfa.passkey_added", target=actor, metadata=_details(passkey))


def passkey_second_factor_record(*, user: Any) -> None:
    """Audit a signed-in session's second factor passed with a passkey. (A sign-in through a
    passkey is Django's `auth.login` row, whose factor is "passkey".)"""
    audit_record(actor=user, action="auth.mfa_verify", target=user, metadata={"factor": "passkey"})


def _can_manage(actor: Any, passkey: WebAuthnCredential) -> bool:
    """One's own passkeys; anyone's for who may change users (an Administrator helping
    someone who lost the device)."""
    return bool(passkey.user_id == actor.pk or actor.has_perm("accounts.change_user"))


@transaction.atomic
def passkey_rename(*, actor: Any, passkey: WebAuthnCredential, name: str) -> WebAuthnCredential:
    """Give a passkey the name its owner knows it by (1 to 64 characters)."""
    if not _can_manage(actor, passkey):
        raise PermissionDenied("You cannot change this passkey.")
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": ["A passkey needs a name."]})
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationError({"name": [f"At most {NAME_MAX_LENGTH} characters."]})
    passkey = WebAuthnCredential.objects.select_for_update().get(pk=passkey.pk)
    changes = audit_changes({"name": passkey.name}, {"name": name})
    if changes:
        passkey.name = name
        passkey.save(update_fields=["name"])
        audit_record(
            actor=actor,
            action="mfa.passkey_renamed",
            target=passkey.user,
            changes=changes,
            metadata=_details(passkey),
        )
    return passkey


@transaction.atomic
def passkey_remove(*, actor: Any, passkey: WebAuthnCredential) -> None:
    """Delete a passkey: it no longer signs anyone in, and no longer counts as a factor."""
    if not _can_manage(actor, passkey):
        raise PermissionDenied("You cannot remove this passkey.")
    details = _details(passkey)
    owner = passkey.user
    passkey.delete()
    audit_record(actor=actor, action="mfa.passkey_removed", target=owner, metadata=details)
