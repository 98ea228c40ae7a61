"""Publish due items and expire ended ones now (the same work as the beat task)."""

from __future__ import annotations

from content.runtime.commands import EntriesCommand
from content.services.scheduling import publish_scheduled


class Command(EntriesCommand):
    help = "Publish items whose publish_at has passed and unpublish those whose expire_at has."

    def handle(self, *args, **options) -> None:
        run = publish_scheduled()
        self.stdout.write(
            f"Published {len(run.published)}, expired {len(run.expired)}, "
            f"caught up {len(run.caught_up)} late, refused {len(run.refused)}."
        )
        if any(run.releases.values()):
            self.stdout.write(
                f"Releases published {len(run.releases['published'])}, "
                f"failed {len(run.releases['failed'])}."
            )
        for label, pk, reason in run.refused:
            self.stderr.write(f"  {label} {pk}: {reason}")
