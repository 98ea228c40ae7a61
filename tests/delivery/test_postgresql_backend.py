"""The PostgreSQL connection: timestamps read with psycopg's own loader (config.postgresql)
are the instants Django's loader gives, UTC-aware; repeated queries are prepared."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from content.models.snapshots import DeliverySnapshot

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's loader"),
]


def test_timestamps_come_back_as_the_same_instant_in_utc():
    moment = datetime.datetime(2026, 3, 29, 1, 30, 15, 123456, tzinfo=ZoneInfo("Europe/Paris"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::timestamptz, NULL::timestamptz", [moment])
        value, missing = cursor.fetchone()
    assert value == moment
    assert value.tzinfo is datetime.UTC
    assert missing is None


def test_the_orm_reads_what_it_wrote(article):
    entry = article(published=True)
    row = DeliverySnapshot.objects.get(kind="article", object_id=entry.pk)
    read = DeliverySnapshot.objects.values_list("published_at", flat=True).get(pk=row.pk)
    assert read == entry.first_published_at
    assert read.utcoffset() == datetime.timedelta(0)


def test_a_query_run_repeatedly_is_prepared_on_its_connection(article):
    article(published=True)
    for _ in range(6):
        assert DeliverySnapshot.objects.filter(kind="article").count() == 1
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ["%content_deliverysnapshot%"],
        )
        assert cursor.fetchone()[0] >= 1
