"""The PostgreSQL backend (core.postgresql): timestamps read with psycopg's own loader
are the instants Django's loader gives, UTC-aware; the pool hands out a healthy connection
without pinging it, and replaces one the server has dropped."""

from __future__ import annotations

import datetime
import select
import time
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from content.models.snapshots import DeliverySnapshot

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's backend"),
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


def _idle_connections(pool, count=2):
    """`count` connections out of the pool and back; their backends' process ids."""
    taken = [pool.getconn() for _ in range(count)]
    pids = [conn.info.backend_pid for conn in taken]
    for conn in taken:
        pool.putconn(conn)
    return taken, pids


def test_a_healthy_pooled_connection_is_handed_out_without_a_ping():
    pool = connection.pool
    taken = [pool.getconn() for _ in range(2)]
    for conn in taken:
        conn.execute("SELECT 'last words'")
        pool.putconn(conn)
    conn = pool.getconn()
    try:
        with connection.cursor() as cursor:  # what the server last ran on that connection
            pid = conn.info.backend_pid
            cursor.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid])
            assert cursor.fetchone() == ("SELECT 'last words'",)
    finally:
        pool.putconn(conn)


def test_a_connection_the_server_dropped_is_replaced_before_use():
    pool = connection.pool
    taken, pids = _idle_connections(pool)
    with connection.cursor() as cursor:  # the test's own connection, not one of those
        cursor.execute("SELECT pg_terminate_backend(pid) FROM unnest(%s::int[]) AS pid", [pids])
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:  # the server's goodbye reaches both sockets
        if all(conn.closed or select.select([conn.fileno()], [], [], 0)[0] for conn in taken):
            break
        time.sleep(0.01)
    conn = pool.getconn()
    try:
        assert conn.execute("SELECT 1").fetchone() == (1,)
        assert conn.info.backend_pid not in pids
    finally:
        pool.putconn(conn)
