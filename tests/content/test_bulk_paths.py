"""The bulk paths (`seed_demo --articles N`, `rebuild_snapshots`) write what the services do.

On PostgreSQL, batches of COPY_MIN_ROWS items or more are written with COPY, smaller ones
(and every batch on SQLite) through the ORM; BATCH is big enough for COPY, so on
PostgreSQL these tests cover the COPY writers and on SQLite the ORM ones.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection

from content.delivery.services import COPY_MIN_ROWS, snapshot_refresh
from content.models import Article, DeliverySnapshot, Revision, SnapshotFacet, Status
from content.seeding.demo import BULK_PREFIX, HAND_MADE
from content.services.revisions import entry_snapshot

pytestmark = pytest.mark.django_db
BATCH = COPY_MIN_ROWS + 10


def _seed(articles: int, batch: int = BATCH) -> str:
    out = StringIO()
    call_command("seed_demo", "--articles", str(articles), "--batch-size", str(batch), stdout=out)
    return out.getvalue()


def _read_model() -> tuple[dict, list, dict]:
    """Every snapshot column but the key, the facets, and (PostgreSQL) the search vectors."""
    rows = {}
    for row in DeliverySnapshot.objects.values():
        del row["id"]
        rows[(row["kind"], row["object_id"])] = row
    facets = sorted(
        SnapshotFacet.objects.values_list("snapshot__kind", "snapshot__object_id", "name", "value")
    )
    vectors = {}
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT kind, object_id, search_vector::text FROM content_deliverysnapshot"
            )
            vectors = {(kind, pk): vector for kind, pk, vector in cursor.fetchall()}
    return rows, facets, vectors


def _bulk_articles():
    return Article.objects.filter(slug__startswith=BULK_PREFIX).order_by("pk")


def test_seeded_rows_are_what_publishing_writes():
    out = _seed(HAND_MADE + BATCH)
    assert f"Seeded {BATCH} articles" in out
    assert "rows/s" in out
    article_type = ContentType.objects.get_for_model(Article)
    for article in _bulk_articles():
        revision = Revision.objects.get(content_type=article_type, object_id=article.pk)
        assert revision.snapshot == entry_snapshot(article)
    seeded = _read_model()
    assert len(seeded[0]) == DeliverySnapshot.objects.count() >= BATCH
    # Write the read model again one item at a time, as publishing does.
    DeliverySnapshot.objects.filter(kind="article").delete()
    for pk in Article.objects.values_list("pk", flat=True):
        snapshot_refresh(model=Article, entry_ids=[pk])
    assert _read_model() == seeded


def test_rebuild_repairs_the_read_model_and_leaves_current_rows_alone():
    _seed(HAND_MADE + BATCH)
    before = _read_model()
    ids = dict(DeliverySnapshot.objects.values_list("object_id", "id").filter(kind="article"))
    tampered, lost, offline = _bulk_articles()[:3]
    DeliverySnapshot.objects.filter(kind="article", object_id=tampered.pk).update(
        title="Tampered", detail_json="{}"
    )
    SnapshotFacet.objects.filter(snapshot__object_id=tampered.pk).delete()
    DeliverySnapshot.objects.filter(kind="article", object_id=lost.pk).delete()
    # Taken offline behind the services' back: the rebuild drops its row.
    Article.objects.filter(pk=offline.pk).update(status=Status.ARCHIVED)

    out = StringIO()
    call_command("rebuild_snapshots", "--batch-size", str(BATCH), stdout=out)

    rows, facets, vectors = before
    del rows[("article", offline.pk)]
    vectors.pop(("article", offline.pk), None)
    facets = [f for f in facets if f[:2] != ("article", offline.pk)]
    assert _read_model() == (rows, facets, vectors)
    # Rows that were current kept their keys (cursors name them).
    kept = dict(DeliverySnapshot.objects.values_list("object_id", "id").filter(kind="article"))
    assert kept[tampered.pk] == ids[tampered.pk]
    assert all(kept[pk] == ids[pk] for pk in kept if pk != lost.pk)
    published = Article.objects.filter(status=Status.PUBLISHED, deleted_at=None).count()
    assert f"{published}/" in out.getvalue()
    assert "Rebuilt" in out.getvalue()


def test_rebuild_from_an_empty_read_model_writes_the_same_rows():
    _seed(HAND_MADE + BATCH)
    before = _read_model()
    DeliverySnapshot.objects.all().delete()
    call_command("rebuild_snapshots", "--batch-size", str(BATCH), stdout=StringIO())
    assert _read_model() == before
