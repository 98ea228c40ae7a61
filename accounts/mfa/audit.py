"""Audit rows for sign-in events no service performs: django-axes' lockouts."""

from __future__ import annotations

from accounts.audit import audit_record


def on_user_locked_out(sender, request=None, username=None, ip_address=None, **kwargs) -> None:
    """An (address, account) pair was locked out after repeated failed passwords or codes."""
    audit_record(
        actor=None,
        action="auth.lockout",
        metadata={"email": str(username or "")[:254], "ip": ip_address},
    )
