"""Background rebuilds of the delivery read model."""

from __future__ import annotations

import time

from celery import shared_task
from django.apps import apps

from core.metrics import SNAPSHOT_REBUILD_LAG


@shared_task(ignore_result=True)
def snapshots_rebuild_for_references_task(
    model_label: str, target_ids: list[int], changed_at: float | None = None
) -> int:
    """A referenced object changed (category renamed, alt text edited): rebuild its users.
    `changed_at` (a timestamp; jobs queued by an older release have none) measures the lag."""
    from content.delivery.services import snapshots_for_references

    count = snapshots_for_references(
        target_model=apps.get_model(model_label), target_ids=target_ids
    )
    if changed_at is not None:
        SNAPSHOT_REBUILD_LAG.observe(max(time.time() - changed_at, 0.0))
    return count


@shared_task(ignore_result=True)
def front_cache_purge_task(keys: list[str]) -> int:
    """Purge these surrogate keys from every front cache (run through the outbox: a front
    cache that is down is retried with backoff, then the job is kept as dead)."""
    from content.delivery.front_cache import front_cache_purge

    return front_cache_purge(keys=keys)
