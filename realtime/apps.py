from __future__ import annotations

from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    name = "realtime"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from content import hooks
        from realtime.publish import on_delivery_changed

        hooks.delivery_changed.connect(on_delivery_changed, dispatch_uid="realtime.delivery")
