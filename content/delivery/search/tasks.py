"""The search engine's background work (run through the outbox: retried with backoff)."""

from __future__ import annotations

from celery import shared_task


@shared_task(ignore_result=True)
def search_index_sync_task(kind: str, object_ids: list[int]) -> int:
    """Index or remove these items as the read model serves them now; then cached search
    responses, built while the engine lagged, are dropped (the content version moves)."""
    from content.delivery.search.indexing import index_sync
    from content.delivery.services import content_version_bump

    indexed = index_sync(kind=kind, object_ids=object_ids)
    content_version_bump()
    return indexed
