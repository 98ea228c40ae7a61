from __future__ import annotations

from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "content"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from content import hooks
        from content.delivery import receivers

        # The delivery read model follows every change that affects what the public sees.
        for signal, uid in (
            (hooks.entry_published, "published"),
            (hooks.entry_unpublished, "unpublished"),
            (hooks.entry_changed, "changed"),
        ):
            signal.connect(receivers.on_entry_state_changed, dispatch_uid=f"delivery.{uid}")
        hooks.references_changed.connect(
            receivers.on_references_changed, dispatch_uid="delivery.references"
        )
