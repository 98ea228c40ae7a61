from __future__ import annotations

from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "governance"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth import signals as auth_signals
        from django.db.models.signals import post_migrate

        from accounts.audit import audit_requested
        from content import hooks as content_hooks
        from governance.audit import receivers
        from governance.webhooks import receivers as webhook_receivers

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
        # PostgreSQL: the app's own role may only read and append to the audit log.
        from governance.audit.db_roles import on_post_migrate

        post_migrate.connect(on_post_migrate, sender=self, dispatch_uid="governance.db_roles")
        # Webhook events go to the outbox inside the content change's transaction.
        for signal, receiver in (
            (content_hooks.entry_published, webhook_receivers.on_entry_published),
            (content_hooks.entry_unpublished, webhook_receivers.on_entry_unpublished),
            (content_hooks.entry_changed, webhook_receivers.on_entry_changed),
            (content_hooks.references_changed, webhook_receivers.on_references_changed),
            (content_hooks.release_published, webhook_receivers.on_release_published),
            (content_hooks.release_reverted, webhook_receivers.on_release_reverted),
        ):
            signal.connect(receiver, dispatch_uid=f"governance.webhooks.{receiver.__name__}")
        # Review workflows own every review decision through content's review backend:
        # submit opens a review, approve/reject go through it, and publishing needs an
        # approved submission for the revision (or a bypass). An edit cancels a stale one.
        from content import guards, review
        from governance.policies.guard import PolicyGuard
        from governance.workflows import receivers as workflow_receivers
        from governance.workflows.backend import WorkflowReviewBackend

        review.register_backend(WorkflowReviewBackend())
        content_hooks.entry_changed.connect(
            workflow_receivers.on_entry_changed,
            dispatch_uid="governance.workflows.on_entry_changed",
        )
        # Content policies: blocking violations refuse submit, publish and scheduling (400);
        # content asks them after the review backend, so a workflow's refusal comes first.
        guards.register(PolicyGuard())
        # The content change form's policy-check and workflow panels.
        from governance import panels as admin_panels

        for receiver in (admin_panels.policy_panel, admin_panels.workflow_panel):
            content_hooks.admin_panels.connect(
                receiver, dispatch_uid=f"governance.panels.{receiver.__name__}"
            )
