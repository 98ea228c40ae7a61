"""The base of Folio's commands that read or write entries: they load the runtime types
first (a command opens its database connection lazily, so registry lookups would not)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from content.runtime.registry import sync


class EntriesCommand(BaseCommand):
    def execute(self, *args, **options):
        sync(force=True)
        return super().execute(*args, **options)
