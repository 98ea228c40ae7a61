from __future__ import annotations

from django.apps import AppConfig


class FlagsConfig(AppConfig):
    """Feature flags, switches and samples (django-waffle), audited; which flags frontends
    read (flags.models.PublicFlag, content.delivery.flags); Folio's capability switches
    (flags.capabilities)."""

    name = "flags"
    verbose_name = "Feature flags"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save
        from waffle.models import Flag

        from flags.models import PublicFlag
        from flags.selectors import public_flags_changed

        # Cache invalidation only: the writes themselves are flags.services'.
        for model in (Flag, PublicFlag):
            name = model._meta.label_lower
            post_save.connect(public_flags_changed, sender=model, dispatch_uid=f"flags.save.{name}")
            post_delete.connect(
                public_flags_changed, sender=model, dispatch_uid=f"flags.delete.{name}"
            )
