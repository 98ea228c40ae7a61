"""`manage.py spectacular`, with the types defined as data: drf-spectacular's command,
run after the registry is loaded from the database (a command opens no connection before
it needs one, so the lazy lookup would describe the code types only)."""

from __future__ import annotations

from drf_spectacular.management.commands.spectacular import Command as SpectacularCommand

from content.runtime.commands import EntriesCommand


class Command(EntriesCommand, SpectacularCommand):
    pass
