"""Governance subscribes to the audit hook and to Django's auth signals."""

from __future__ import annotations

from governance.audit.services import audit_event_append


def on_audit_requested(sender, *, actor, action, target, changes, metadata, **kwargs) -> None:
    audit_event_append(
        actor=actor, action=action, target=target, changes=changes, metadata=metadata
    )


def on_user_logged_in(sender, request, user, **kwargs) -> None:
    # The factor that completed the sign-in (accounts.mfa.admin_signin sets it).
    factor = getattr(request, "auth_factor", "password")
    audit_event_append(
        actor=user, action="auth.login", target=user, metadata={"via": "admin", "factor": factor}
    )


def on_user_logged_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        audit_event_append(actor=user, action="auth.logout", target=user, metadata={"via": "admin"})


def on_user_login_failed(sender, credentials, request=None, **kwargs) -> None:
    # Django has already replaced the password in `credentials` with stars.
    email = str(credentials.get("email") or credentials.get("username") or "")[:254]
    audit_event_append(actor=None, action="auth.login_failed", metadata={"email": email})
