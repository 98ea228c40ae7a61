"""Delivery search behind one interface, so a site that outgrows PostgreSQL's full-text
search can move it to OpenSearch without changing the API (docs/search.md).

- `database` (the default): PostgreSQL full-text search on the snapshot table's GIN-indexed
  vector; on SQLite, every word as a substring. Nothing else to run.
- `opensearch`: an OpenSearch (or compatible) cluster at OPENSEARCH_URL finds and ranks the
  matches; the database still applies everything else (type, locale, filters, expiry,
  paging), so the answers keep their shape and never show what the database would not.

A release preview (core.rehearsal) always searches the database: its items are published
only inside a transaction that is rolled back, so the engine never sees them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from django.conf import settings
from django.db.models import QuerySet
from rest_framework.exceptions import APIException

from core.rehearsal import rehearsing

if TYPE_CHECKING:
    from content.delivery.query import ListQuery
    from content.models.snapshots import DeliverySnapshot

BACKENDS = ("database", "opensearch")


class SearchUnavailable(APIException):
    """The search engine did not answer: 503, try again (lists without `search` still work)."""

    status_code = 503
    default_detail = "Search is unavailable right now; try again shortly."
    default_code = "search_unavailable"
    wait = 30  # DRF sends it as Retry-After


class SearchBackend(Protocol):
    """What delivery lists need from a search backend."""

    name: str
    # Whether published changes must be sent to it (content.delivery.search.sync).
    indexes: bool

    def ranks(self) -> bool:
        """Whether it can order matches by relevance."""
        ...

    def matching(
        self, qs: QuerySet[DeliverySnapshot], query: ListQuery
    ) -> QuerySet[DeliverySnapshot]:
        """The rows of `qs` that match `query.search`."""
        ...

    def ranked(
        self, qs: QuerySet[DeliverySnapshot], query: ListQuery
    ) -> QuerySet[DeliverySnapshot]:
        """The matches of `qs` with a `rank`, best first once ordered by ("-rank", "-id")."""
        ...


def backend() -> SearchBackend:
    """The configured backend (SEARCH_BACKEND); the database's inside a release preview."""
    from content.delivery.search import database

    if settings.SEARCH_BACKEND == "database" or rehearsing():
        return database.BACKEND
    from content.delivery.search import opensearch

    return opensearch.BACKEND
