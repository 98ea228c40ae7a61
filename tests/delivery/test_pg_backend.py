"""The PostgreSQL backend (core.postgresql): timestamps read with psycopg's own loader
are the instants Django's loader gives, UTC-aware; the pool hands out a healthy connection
without pinging it, and replaces one the server has dropped. With DB_POOL_SOCKET_CHECK off
the pool is Django's own, which pings, and replaces a dropped connection just the same."""

from __future__ import annotations

import datetime
import select
import time
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection, connections

from content.models.snapshots import DeliverySnapshot

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's backend"),
]
socket_check = pytest.mark.skipif(
    not settings.DB_POOL_SOCKET_CHECK, reason="DB_POOL_SOCKET_CHECK is off: Django's pool"
)


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


@pytest.fixture
def stock_pool(settings):
    """A pool of connections to the test database, built by Django itself, as it is with
    DB_POOL_SOCKET_CHECK off."""
    settings.DB_POOL_SOCKET_CHECK = False
    wrapper = type(connections["default"])({**connection.settings_dict}, alias="stock_pool")
    pool = wrapper.pool
    pool.open(wait=True)
    yield pool
    wrapper.close_pool()


@pytest.fixture(params=["configured", "stock"])
def pool(request):
    """The pool as the settings configure it, and Django's own."""
    if request.param == "stock":
        return request.getfixturevalue("stock_pool")
    return connection.pool


def _last_query_at_checkout(pool) -> str:
    """What the server last ran on a connection the pool hands out, after two connections
    out of it ran a query and went back."""
    taken = [pool.getconn() for _ in range(2)]
    for conn in taken:
        conn.execute("SELECT 'last words'")
        pool.putconn(conn)
    conn = pool.getconn()
    try:
        with connection.cursor() as cursor:
            pid = conn.info.backend_pid
            cursor.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid])
            return cursor.fetchone()[0]
    finally:
        pool.putconn(conn)


@socket_check
def test_a_healthy_pooled_connection_is_handed_out_without_a_ping():
    assert _last_query_at_checkout(connection.pool) == "SELECT 'last words'"


def test_with_the_socket_check_off_django_pings_each_connection_it_hands_out(stock_pool):
    assert _last_query_at_checkout(stock_pool) == ""  # psycopg_pool's check: an empty query


@pytest.mark.skipif(settings.DB_POOL_SOCKET_CHECK, reason="DB_POOL_SOCKET_CHECK is on")
def test_the_setting_off_gives_the_suite_djangos_pool():
    assert _last_query_at_checkout(connection.pool) == ""


def test_a_connection_the_server_dropped_is_replaced_before_use(pool):
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
