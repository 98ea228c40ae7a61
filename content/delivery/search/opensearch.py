"""Search on OpenSearch (SEARCH_BACKEND=opensearch): the engine finds and ranks the matches,
the database does the rest.

A search asks the engine for the best SEARCH_MAX_MATCHES matches of the type in the
locales the request reads, then hands their ids to the same database query as every other
list: filters, locale fall-back, expiry, cursors and pages apply there, so a match the
database would not serve is never shown, and the response keeps its shape. Items are sent
to the engine after they change (content.delivery.search.indexing).
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Case, IntegerField, QuerySet, Value, When

from content.delivery.search import SearchUnavailable

if TYPE_CHECKING:
    from opensearchpy import OpenSearch

    from content.delivery.query import ListQuery
    from content.models.snapshots import DeliverySnapshot

logger = logging.getLogger(__name__)

# PostgreSQL searches with the 'english' configuration; the engine stems alike.
MAPPING: dict[str, Any] = {
    "properties": {
        "kind": {"type": "keyword"},
        "locale": {"type": "keyword"},
        "object_id": {"type": "long"},
        "title": {"type": "text", "analyzer": "english"},
        "text": {"type": "text", "analyzer": "english"},
        "published_at": {"type": "date"},
    }
}

_clients: dict[tuple[str, float], OpenSearch] = {}
_clients_lock = threading.Lock()


def client() -> OpenSearch:
    """One client per process and address: it keeps a pool of connections."""
    from opensearchpy import OpenSearch

    key = (settings.OPENSEARCH_URL, float(settings.OPENSEARCH_TIMEOUT))
    with _clients_lock:
        if key not in _clients:
            # No retries: a request waits for one timeout at most, then the search is a 503.
            _clients[key] = OpenSearch(
                hosts=[key[0]], timeout=key[1], max_retries=0, retry_on_timeout=False
            )
        return _clients[key]


def doc_id(kind: str, object_id: int) -> str:
    return f"{kind}:{object_id}"


class OpenSearchSearch:
    name = "opensearch"
    indexes = True

    def ranks(self) -> bool:
        return True

    def matching(
        self, qs: QuerySet[DeliverySnapshot], query: ListQuery
    ) -> QuerySet[DeliverySnapshot]:
        return qs.filter(object_id__in=[object_id for object_id, _ in self.hits(query)])

    def ranked(
        self, qs: QuerySet[DeliverySnapshot], query: ListQuery
    ) -> QuerySet[DeliverySnapshot]:
        # The engine's order, as a number the database can sort by.
        hits = self.hits(query)
        rank = Case(
            *(When(object_id=oid, then=Value(len(hits) - n)) for n, (oid, _) in enumerate(hits)),
            default=Value(0),
            output_field=IntegerField(),
        )
        return qs.annotate(rank=rank)

    def hits(self, query: ListQuery) -> list[tuple[int, float]]:
        """The best matches' (item id, score), best first; asked once per request."""
        if query.search_hits is None:
            query.search_hits = self._search(query)
        return query.search_hits

    def _search(self, query: ListQuery) -> list[tuple[int, float]]:
        from opensearchpy.exceptions import OpenSearchException

        from content.delivery.query import falls_back

        locales = [query.locale]
        if falls_back(query.locale):
            locales.append(settings.CONTENT_DEFAULT_LOCALE)
        body = {
            "size": settings.SEARCH_MAX_MATCHES,
            "_source": ["object_id"],
            "query": {
                "bool": {
                    # websearch_to_tsquery's syntax, near enough: "phrases", -not, or.
                    "must": {
                        "simple_query_string": {
                            "query": query.search,
                            "fields": ["title^2", "text"],
                            "default_operator": "and",
                        }
                    },
                    "filter": [
                        {"term": {"kind": query.kind}},
                        {"terms": {"locale": locales}},
                    ],
                }
            },
        }
        try:
            found = client().search(index=settings.OPENSEARCH_INDEX, body=body)
        except OpenSearchException as exc:
            logger.warning("search engine unavailable: %s", exc)
            raise SearchUnavailable from exc
        return [
            (int(hit["_source"]["object_id"]), float(hit["_score"] or 0))
            for hit in found["hits"]["hits"]
        ]


BACKEND = OpenSearchSearch()
