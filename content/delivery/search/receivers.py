"""Send what delivery changed to the search engine, from the transaction that changed it."""

from __future__ import annotations

from typing import Any

from content.delivery.search import backend
from content.delivery.search.tasks import search_index_sync_task
from outbox.services import job_enqueue


def on_delivery_changed(sender: Any, events: list[dict[str, Any]], **kwargs: Any) -> None:
    """A job per type, written in the change's transaction (outbox): a stopped engine or
    broker delays the index, never fails nor loses the publish."""
    if not backend().indexes:
        return
    by_kind: dict[str, set[int]] = {}
    for event in events:
        by_kind.setdefault(event["type"], set()).add(event["id"])
    for kind, ids in by_kind.items():
        job_enqueue(search_index_sync_task, kind=kind, object_ids=sorted(ids))
