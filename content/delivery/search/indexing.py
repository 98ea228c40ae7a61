"""Keep the search engine in line with the delivery read model (SEARCH_BACKEND=opensearch).

What the public may find is what the snapshot table serves, so the engine is only ever
told the table's state: `index_sync` re-reads the items that changed and indexes or
removes each; `index_rebuild` loads every served row into a new index and moves the alias
OPENSEARCH_INDEX to it in one step, so searches never see a half-built index.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import timezone

from content.delivery.search.opensearch import MAPPING, client, doc_id
from content.models.snapshots import DeliverySnapshot

if TYPE_CHECKING:
    from opensearchpy import OpenSearch

logger = logging.getLogger(__name__)
_COLUMNS = ("kind", "object_id", "locale", "title", "search_text", "published_at")


class IndexingFailed(Exception):
    """The engine refused some of the documents (the job is retried)."""


def _document(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "kind": row["kind"],
        "object_id": row["object_id"],
        "locale": row["locale"],
        "title": row["title"],
        "text": row["search_text"],
        "published_at": row["published_at"].isoformat(),
    }


def _new_index(engine: OpenSearch, aliases: dict[str, Any] | None = None) -> str:
    name = f"{settings.OPENSEARCH_INDEX}-{timezone.now():%Y%m%d%H%M%S%f}"
    body: dict[str, Any] = {"mappings": MAPPING}
    if aliases is not None:
        body["aliases"] = aliases
    engine.indices.create(index=name, body=body)
    return name


def _ensure_index(engine: OpenSearch) -> None:
    """A first write creates the index behind the alias (search_reindex fills it)."""
    if not engine.indices.exists_alias(name=settings.OPENSEARCH_INDEX):
        _new_index(engine, aliases={settings.OPENSEARCH_INDEX: {}})


def _bulk(engine: OpenSearch, actions: Iterable[dict[str, Any]], **params: Any) -> int:
    from opensearchpy.helpers import bulk

    done, errors = bulk(engine, actions, raise_on_error=False, **params)
    # Removing what the engine never had is no failure.
    failed = [e for e in errors if e.get("delete", {}).get("status") != 404]
    if failed:
        raise IndexingFailed(f"{len(failed)} documents refused, first: {failed[0]}")
    return int(done)


def index_sync(*, kind: str, object_ids: list[int]) -> int:
    """Index the items' served snapshots and remove the rest; returns how many were indexed."""
    engine = client()
    _ensure_index(engine)
    rows = list(
        DeliverySnapshot.served.filter(kind=kind, object_id__in=object_ids).values(*_COLUMNS)
    )
    served = {row["object_id"] for row in rows}
    alias = settings.OPENSEARCH_INDEX
    actions: list[dict[str, Any]] = [
        {"_index": alias, "_id": doc_id(kind, r["object_id"]), "_source": _document(r)}
        for r in rows
    ]
    actions += [
        {"_op_type": "delete", "_index": alias, "_id": doc_id(kind, object_id)}
        for object_id in object_ids
        if object_id not in served
    ]
    # Searchable before the job ends, so the content version can move after it.
    _bulk(engine, actions, refresh="wait_for")
    return len(rows)


def _all_documents(index: str, batch_size: int) -> Iterator[dict[str, Any]]:
    last = 0
    while batch := list(
        DeliverySnapshot.served.filter(id__gt=last)
        .order_by("id")
        .values("id", *_COLUMNS)[:batch_size]
    ):
        for row in batch:
            yield {
                "_index": index,
                "_id": doc_id(row["kind"], row["object_id"]),
                "_source": _document(row),
            }
        last = batch[-1]["id"]


def index_rebuild(*, batch_size: int = 500, progress: Callable[[int], None] | None = None) -> int:
    """Every served item into a new index, then the alias moved to it and the old ones
    dropped; returns how many. Changes published while it runs reach the old index only:
    run it when publishing is quiet, or again after."""
    engine = client()
    index = _new_index(engine)
    total = 0
    from opensearchpy.helpers import streaming_bulk

    for ok, item in streaming_bulk(
        engine, _all_documents(index, batch_size), chunk_size=batch_size, raise_on_error=False
    ):
        if not ok:
            raise IndexingFailed(f"document refused: {item}")
        total += 1
        if progress and total % batch_size == 0:
            progress(total)
    engine.indices.refresh(index=index)
    alias = settings.OPENSEARCH_INDEX
    old = (
        list(engine.indices.get_alias(name=alias))
        if engine.indices.exists_alias(name=alias)
        else []
    )
    actions: list[dict[str, Any]] = [{"remove": {"index": name, "alias": alias}} for name in old]
    actions.append({"add": {"index": index, "alias": alias}})
    engine.indices.update_aliases(body={"actions": actions})
    for name in old:
        engine.indices.delete(index=name)
    logger.info("search index %s built with %s items; alias %s moved", index, total, alias)
    return total
