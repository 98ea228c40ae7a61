"""The PostgreSQL backend (config.postgresql): timestamps read with psycopg's own loader
are the instants Django's loader gives, UTC-aware."""

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
