from __future__ import annotations

from django.apps import AppConfig


class FlagsConfig(AppConfig):
    """Feature flags, switches and samples (django-waffle), audited; Folio's capability
    switches (flags.capabilities); the flags frontends read (content.delivery.flags)."""

    name = "flags"
    verbose_name = "Feature flags"
    default_auto_field = "django.db.models.BigAutoField"
