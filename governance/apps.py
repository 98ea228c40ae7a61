from __future__ import annotations

from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "governance"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth import signals as auth_signals

        from accounts.audit import audit_requested
        from content import hooks as content_hooks
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
        # Webhook events go to the outbox inside the content change's transaction.
        for signal, receiver in (
            (content_hooks.entry_published, receivers.on_entry_published),
            (content_hooks.entry_unpublished, receivers.on_entry_unpublished),
            (content_hooks.entry_changed, receivers.on_entry_changed),
            (content_hooks.references_changed, receivers.on_references_changed),
        ):
            signal.connect(receiver, dispatch_uid=f"governance.webhooks.{receiver.__name__}")
