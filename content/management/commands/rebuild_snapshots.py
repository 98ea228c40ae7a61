"""Rebuild the delivery read model from the live revisions, with a progress bar."""

from __future__ import annotations

import sys

from django.core.management.base import CommandError

from content.delivery.services import snapshots_rebuild_all
from content.models import Status
from content.runtime.commands import EntriesCommand
from content.types import publishable_models


class Command(EntriesCommand):
    help = "Rewrite every delivery snapshot from the live revisions; drop stale ones."

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size", type=int, default=500, help="Items per transaction (default 500)."
        )

    def handle(self, *args, batch_size: int, **options) -> None:
        if batch_size < 1:
            # 0 would rebuild nothing and say so as if it had succeeded.
            raise CommandError("--batch-size must be at least 1.")
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
