"""Delivery search behind SEARCH_BACKEND: the database (default) and OpenSearch.

The OpenSearch backend is tested against a stand-in engine on 127.0.0.1
(tests/delivery/opensearch_standin.py), not a real OpenSearch: none installs here. The
tests check what Folio sends to the engine and what the API answers with its replies.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from content import services
from content.delivery import search
from content.delivery.query import ListQuery
from content.models.snapshots import DeliverySnapshot
from outbox.models import Job, JobStatus
from outbox.services import job_run
from tests.assertions import assert_error
from tests.conftest import _cache_clear
from tests.delivery.opensearch_standin import StandIn

pytestmark = pytest.mark.django_db
URL = "/api/v1/delivery/articles/"


def ids(response) -> list[int]:
    return [item["id"] for item in response.json()["results"]]


def use_engine(settings, standin: StandIn) -> None:
    settings.SEARCH_BACKEND = "opensearch"
    settings.OPENSEARCH_URL = standin.base
    settings.OPENSEARCH_TIMEOUT = 3


@pytest.fixture
def engine(settings):
    with StandIn() as standin:
        use_engine(settings, standin)
        yield standin


def test_the_database_is_the_default_backend_and_searches_through_the_interface(article):
    assert settings.SEARCH_BACKEND == "database"
    backend = search.backend()
    assert backend.name == "database"
    assert not backend.indexes
    hit = article(title="Gardening tips", published=True)
    article(title="Gardening secrets draft")
    article(title="Cooking", published=True)
    query = ListQuery(
        kind="article",
        locale=settings.CONTENT_DEFAULT_LOCALE,
        ordering="-published_at",
        limit=20,
        search="gardening",
    )
    found = backend.matching(DeliverySnapshot.served.filter(kind="article"), query)
    assert list(found.values_list("object_id", flat=True)) == [hit.pk]


def test_publishing_indexes_the_item_and_searches_ask_the_engine(api_client, article, engine):
    hit = article(title="Gardening tips", published=True)
    article(title="Gardening secrets draft")
    other = article(title="Cooking", published=True)
    # Only what the public may see was sent, each after its publish committed.
    docs = engine.engine.documents(settings.OPENSEARCH_INDEX)
    assert sorted(d["object_id"] for d in docs.values()) == [hit.pk, other.pk]
    assert docs[f"article:{hit.pk}"]["title"] == "Gardening tips"
    assert all(r.params["refresh"] == ["wait_for"] for r in engine.calls("POST", "/_bulk"))

    response = api_client.get(URL, {"search": "gardening"})
    assert response.status_code == 200
    assert ids(response) == [hit.pk]
    sent = engine.calls("POST", "/_search")[-1].body["query"]["bool"]
    assert sent["must"]["simple_query_string"]["query"] == "gardening"
    assert {"term": {"kind": "article"}} in sent["filter"]

    # The same answer, byte for byte, as the database gives.
    engine_body = response.content
    settings.SEARCH_BACKEND = "database"
    _cache_clear()
    assert api_client.get(URL, {"search": "gardening"}).content == engine_body


def test_the_engine_ranks_and_the_database_filters(api_client, article, category, engine):
    news = category("News")
    strong = article(title="Garden garden gardens", published=True)
    weak = article(title="Weekly notes", summary="Also about the garden.", published=True)
    filed = article(title="Garden notes", category=news.pk, published=True)
    body = api_client.get(URL, {"search": "garden"}).json()
    assert ids_of(body) == [strong.pk, filed.pk, weak.pk]  # the engine's order
    assert body["count"] == 3
    newest = api_client.get(URL, {"search": "garden", "ordering": "-published_at"}).json()
    assert ids_of(newest) == [filed.pk, weak.pk, strong.pk]
    in_news = api_client.get(URL, {"search": "garden", "category": "news"}).json()
    assert ids_of(in_news) == [filed.pk]


def ids_of(body) -> list[int]:
    return [item["id"] for item in body["results"]]


def test_unpublishing_removes_the_item_from_the_engine(api_client, article, on_commit, engine):
    entry = article(title="Gardening tips", published=True)
    assert f"article:{entry.pk}" in engine.engine.documents(settings.OPENSEARCH_INDEX)
    on_commit(services.entry_unpublish, entry=entry, actor=None)
    assert engine.engine.documents(settings.OPENSEARCH_INDEX) == {}
    deletes = [line for r in engine.calls("POST", "/_bulk") for line in r.body if "delete" in line]
    assert deletes == [{"delete": {"_index": "folio-delivery", "_id": f"article:{entry.pk}"}}]
    assert ids(api_client.get(URL, {"search": "gardening"})) == []


def test_a_stopped_engine_fails_no_publish_and_catches_up(api_client, article, settings):
    standin = StandIn()
    use_engine(settings, standin)
    standin.close()  # the engine is down
    entry = article(title="Gardening tips", published=True)
    # Published and served all the same; the index job waits to be retried.
    assert ids(api_client.get(URL)) == [entry.pk]
    job = Job.objects.get(task="content.delivery.search.tasks.search_index_sync_task")
    assert job.status == JobStatus.PENDING
    assert "Connection" in job.last_error
    response = api_client.get(URL, {"search": "gardening"})
    assert_error(response, 503, "search_unavailable")
    assert response["Retry-After"] == "30"

    with StandIn() as back:  # the engine is back (at a new address)
        use_engine(settings, back)
        assert job_run(job_id=job.pk) == "done"
        assert ids(api_client.get(URL, {"search": "gardening"})) == [entry.pk]


def test_search_reindex_loads_a_new_index_and_moves_the_alias(api_client, article, settings):
    first = article(title="Gardening tips", published=True)
    second = article(title="Gardening notes", published=True)
    article(title="Gardening draft")
    with StandIn() as standin:
        use_engine(settings, standin)
        call_command("search_reindex", batch_size=1)
        engine = standin.engine
        (built,) = engine.resolve(settings.OPENSEARCH_INDEX)
        docs = engine.documents(settings.OPENSEARCH_INDEX)
        assert sorted(d["object_id"] for d in docs.values()) == [first.pk, second.pk]
        body = api_client.get(URL, {"search": "gardening"}).json()
        assert sorted(ids_of(body)) == sorted([first.pk, second.pk])

        call_command("search_reindex")
        (rebuilt,) = engine.resolve(settings.OPENSEARCH_INDEX)
        assert rebuilt != built
        assert built not in engine.indices  # the old index is dropped


def test_search_reindex_refuses_on_the_database_backend():
    with pytest.raises(CommandError, match="database is its own index"):
        call_command("search_reindex")


def test_search_reindex_with_the_engine_down_is_a_clear_error(settings):
    standin = StandIn()
    use_engine(settings, standin)
    standin.close()
    with pytest.raises(CommandError, match="The search engine refused"):
        call_command("search_reindex")


def test_release_previews_search_the_database(settings):
    from core.rehearsal import rehearsal

    settings.SEARCH_BACKEND = "opensearch"
    assert search.backend().name == "opensearch"
    with rehearsal():
        assert search.backend().name == "database"
