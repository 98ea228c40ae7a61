"""The read model follows content through content.hooks (connected in ContentConfig)."""

from __future__ import annotations

import time
from functools import partial

from content import hooks
from content.delivery.services import snapshot_refresh
from content.delivery.tasks import snapshots_rebuild_for_references_task
from outbox.services import job_enqueue


def on_entry_state_changed(sender, entry_id: int, **kwargs) -> None:
    """Publish, unpublish, expiry, trash, restore: bring the item's snapshot in line; in a
    batch (a release), once for all of the type's items at its end (content.hooks.batch)."""
    if not hooks.gather(("delivery", sender), entry_id, partial(_refresh, sender)):
        snapshot_refresh(model=sender, entry_ids=[entry_id])


def _refresh(model, entry_ids: list[int]) -> None:
    snapshot_refresh(model=model, entry_ids=entry_ids)


def on_references_changed(sender, target_ids, **kwargs) -> None:
    """Rebuild, in a worker, the snapshots of live items that use the changed objects: a job
    written in the change's transaction, so a broker outage delays the rebuild, never loses it."""
    job_enqueue(
        snapshots_rebuild_for_references_task,
        model_label=sender._meta.label,
        target_ids=list(target_ids),
        changed_at=time.time(),  # the rebuild's lag is measured from here (core.metrics)
    )
