"""Rebuild the delivery read model from the live revisions, with a progress bar."""

from __future__ import annotations

import sys

from content.delivery.services import snapshots_rebuild_all
from content.models import Status
from content.runtime.commands import BatchedEntriesCommand
from content.types import publishable_models


class Command(BatchedEntriesCommand):
    help = "Rewrite every delivery snapshot from the live revisions; drop stale ones."

    def handle(self, *args, batch_size: int, **options) -> None:
        total = sum(
            m.objects.filter(status=Status.PUBLISHED, deleted_at__isnull=True).count()
            for m in publishable_models()
        )

        def progress(done: int) -> None:
            width = 40
            filled = int(width * done / total) if total else width
            bar = "#" * filled + "-" * (width - filled)
            self.stdout.write(f"\r[{bar}] {done}/{total}", ending="")
            self.stdout.flush()

        count = snapshots_rebuild_all(batch_size=batch_size, progress=progress)
        if sys.stdout.isatty() or total:
            self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Rebuilt {count} published snapshot(s)."))
