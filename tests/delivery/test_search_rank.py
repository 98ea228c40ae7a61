"""Ranked search on PostgreSQL: best matches first, over the newest matches only."""

from __future__ import annotations

import pytest
from django.db import connection

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="ranking needs PostgreSQL"),
]
URL = "/api/v1/delivery/articles/"


def ids(body) -> list[int]:
    return [item["id"] for item in body["results"]]


def test_best_matches_come_first(api_client, article):
    strong = article(title="Garden garden gardens", published=True)
    weak = article(title="Weekly notes", summary="Also about the garden.", published=True)
    article(title="Nothing to see", published=True)
    body = api_client.get(URL, {"search": "garden"}).json()
    assert ids(body) == [strong.pk, weak.pk]
    assert body["count"] == 2
    # An explicit ordering wins over relevance.
    newest = api_client.get(URL, {"search": "garden", "ordering": "-published_at"}).json()
    assert ids(newest) == [weak.pk, strong.pk]


def test_only_the_newest_matches_are_ranked(api_client, article, settings):
    settings.DELIVERY_SEARCH_RANK_WINDOW = 2
    oldest = article(title="Garden garden garden", published=True)
    middle = article(title="Garden", summary="A garden.", published=True)
    newest = article(title="Notes", summary="A garden.", published=True)
    body = api_client.get(URL, {"search": "garden", "limit": 1}).json()
    # The two newest matches, ranked; the strongest but oldest match is past the window.
    assert body["count"] == 2
    assert ids(body) == [middle.pk]
    assert ids(api_client.get(body["next"]).json()) == [newest.pk]
    assert oldest.pk not in ids(api_client.get(URL, {"search": "garden", "limit": 10}).json())
