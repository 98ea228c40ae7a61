from __future__ import annotations

from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "governance"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth import signals as auth_signals

        from accounts.audit import audit_requested
        from governance import receivers

        # The audit log is governance's: every service's audit_record() lands here.
        audit_requested.connect(receivers.on_audit_requested, dispatch_uid="governance.audit")
        auth_signals.user_logged_in.connect(
            receivers.on_user_logged_in, dispatch_uid="governance.audit_login"
        )
        auth_signals.user_logged_out.connect(
            receivers.on_user_logged_out, dispatch_uid="governance.audit_logout"
        )
        auth_signals.user_login_failed.connect(
            receivers.on_user_login_failed, dispatch_uid="governance.audit_login_failed"
        )
