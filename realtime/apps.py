from __future__ import annotations

from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    name = "realtime"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from accounts.audit import audit_requested
        from content import hooks
        from realtime.editor_events import on_audit_requested, on_presence_changed
        from realtime.publish import on_delivery_changed

        hooks.delivery_changed.connect(on_delivery_changed, dispatch_uid="realtime.delivery")
        # The editors' channel: every audited change, and presence.
        audit_requested.connect(on_audit_requested, dispatch_uid="realtime.editors")
        hooks.presence_changed.connect(on_presence_changed, dispatch_uid="realtime.presence")
