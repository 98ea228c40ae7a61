"""Rebuild "where used" (the references) of every item from its latest and live revisions."""

from __future__ import annotations

from django.core.management.base import CommandError

from content.runtime.commands import EntriesCommand
from content.services.references import references_rebuild_all


class Command(EntriesCommand):
    help = (
        "Rebuild every item's references (what the media library's “where used”, the "
        "usage panels and delete protection read) from its latest and live revisions."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size", type=int, default=500, help="Items per transaction (default 500)."
        )

    def handle(self, *args, batch_size: int, **options) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        count = references_rebuild_all(batch_size=batch_size)
        self.stdout.write(self.style.SUCCESS(f"Rebuilt the references of {count} item(s)."))
