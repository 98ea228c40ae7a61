"""Search in the database, as delivery always has: PostgreSQL full-text search on the
snapshot table's generated, GIN-indexed `search_vector` (migration content 0004); on
SQLite, every word (up to ten) as a substring of the title or the searchable text."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import connection
from django.db.models import Q, QuerySet

from content.models.snapshots import DeliverySnapshot

if TYPE_CHECKING:
    from content.delivery.query import ListQuery


class DatabaseSearch:
    name = "database"
    indexes = False  # the snapshot rows are the index

    def ranks(self) -> bool:
        return connection.vendor == "postgresql"

    def matching(
        self, qs: QuerySet[DeliverySnapshot], query: ListQuery
    ) -> QuerySet[DeliverySnapshot]:
        term = query.search or ""
        if connection.vendor == "postgresql":
            match = "search_vector @@ websearch_to_tsquery('english', %s)"
            return qs.extra(where=[match], params=[term])  # noqa: S610 - parameterised
        for word in term.split()[:10]:
            qs = qs.filter(Q(title__icontains=word) | Q(search_text__icontains=word))
        return qs

    def ranked(
        self, qs: QuerySet[DeliverySnapshot], query: ListQuery
    ) -> QuerySet[DeliverySnapshot]:
        """PostgreSQL only (`ranks`).

        Ranking reads each match's whole search vector, so a term found in most of a
        million items would cost seconds. Only the newest DELIVERY_SEARCH_RANK_WINDOW
        matches are ranked (every match of a rarer term), found newest first by the
        published-date index or through the GIN index, whichever the planner expects to be
        cheaper; page counts cover that window.
        """
        window = qs.order_by("-published_at", "-id").values("id")
        window = window[: settings.DELIVERY_SEARCH_RANK_WINDOW]
        rank = "ts_rank(search_vector, websearch_to_tsquery('english', %s))"
        return DeliverySnapshot.served.filter(id__in=window).extra(  # noqa: S610 - parameterised
            select={"rank": rank}, select_params=[query.search or ""]
        )


BACKEND = DatabaseSearch()
