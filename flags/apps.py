from __future__ import annotations

from django.apps import AppConfig
from waffle.apps import WaffleConfig


class FlagsConfig(AppConfig):
    """Feature flags, switches and samples (django-waffle), audited; Folio's capability
    switches (flags.capabilities); the flags frontends read (content.delivery.flags)."""

    name = "flags"
    verbose_name = "Feature flags"
    default_auto_field = "django.db.models.BigAutoField"


class FolioWaffleConfig(WaffleConfig):
    """waffle itself, titled for editors (its switches and samples share the admin's
    "Feature flags" heading with Folio's Flag)."""

    verbose_name = "Feature flags"
