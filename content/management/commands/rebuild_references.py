"""Rebuild "where used" (the references) of every item from its latest and live revisions."""

from __future__ import annotations

from content.runtime.commands import BatchedEntriesCommand
from content.services.references import references_rebuild_all


class Command(BatchedEntriesCommand):
    help = (
        "Rebuild every item's references (what the media library's “where used”, the "
        "usage panels and delete protection read) from its latest and live revisions."
    )

    def handle(self, *args, batch_size: int, **options) -> None:
        count = references_rebuild_all(batch_size=batch_size)
        self.stdout.write(self.style.SUCCESS(f"Rebuilt the references of {count} item(s)."))
