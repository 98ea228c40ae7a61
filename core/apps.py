from __future__ import annotations

from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Folio's shared library: errors, API plumbing, middleware, cache and database backends.

    The bottom layer: every app may import core, and core imports none of them.
    """

    name = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from celery.signals import beat_init

        from core import throttling
        from core.beat_leader import beat_lead

        # DRF's throttles keep limiting (per process) while Redis is down (core.throttling).
        throttling.install()
        # Only a beat process sends it: one beat schedules, any other waits (docs/operations.md).
        beat_init.connect(beat_lead, dispatch_uid="core.beat_leader")
