from __future__ import annotations

from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Folio's shared library: errors, API plumbing, middleware, cache and database backends.

    The bottom layer: every app may import core, and core imports none of them.
    """

    name = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # DRF's throttles keep limiting (per process) while Redis is down (core.throttling).
        from core import throttling

        throttling.install()
