"""Load every served item into a new search index and switch searches to it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from content.delivery.search import backend
from content.delivery.search.indexing import IndexingFailed, index_rebuild
from content.delivery.services import content_version_bump


class Command(BaseCommand):
    help = (
        "Rebuild the search engine's index from the delivery read model "
        "(SEARCH_BACKEND=opensearch): after switching to it, or after rebuild_snapshots."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, batch_size: int, **options: Any) -> None:
        if not backend().indexes:
            raise CommandError(
                f"SEARCH_BACKEND is {settings.SEARCH_BACKEND!r}: the database is its own index."
            )
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")

        def progress(done: int) -> None:
            self.stdout.write(f"{done} indexed")

        from opensearchpy.exceptions import OpenSearchException

        try:
            count = index_rebuild(batch_size=batch_size, progress=progress)
        except (OpenSearchException, IndexingFailed) as exc:
            raise CommandError(f"The search engine refused: {exc}") from exc
        content_version_bump()  # cached searches were answered from the old index
        self.stdout.write(
            self.style.SUCCESS(f"Indexed {count} item(s) into {settings.OPENSEARCH_INDEX}.")
        )
