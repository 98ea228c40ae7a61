"""CPU per uncached delivery request, in-process: what a request costs whatever else the
machine runs (issue 19 §3).

    DATABASE_URL=postgres://… .venv/bin/python bench/uncached_cost.py [scenario …]

Requests go through django.test.Client and the whole middleware stack, with the response
cache off, after a warm-up and `gc.freeze()` (as config/wsgi.py does in each worker). For
each scenario: this process's CPU (time.process_time) and, on PostgreSQL, that of the
backend serving it (/proc/<pid>/schedstat), per request, the least of ROUNDS rounds of
N requests; and the SQL queries one request makes. COLD=1 also times the first scenario
with its page map (content.delivery.paging) built on every request, as after a publish.
PROFILE=<scenario> prints a cProfile (CPU time) of N requests of it.
Needs the articles `make bench` seeds (bench/seed.py).
"""

from __future__ import annotations

import cProfile
import gc
import os
import pstats
import sys
import time
from pathlib import Path

# FOLIO_ROOT: time another checkout (an earlier commit) with this script.
sys.path.insert(0, os.environ.get("FOLIO_ROOT") or str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
os.environ["DELIVERY_CACHE_ENABLED"] = "0"

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402

from content.models.snapshots import DeliverySnapshot  # noqa: E402

API = "/api/v1/delivery/articles/"
N = int(os.environ.get("N", "300"))
ROUNDS = int(os.environ.get("ROUNDS", "5"))


def scenarios() -> dict[str, str]:
    articles = DeliverySnapshot.objects.filter(kind="article").order_by("id")
    slug = articles.values_list("slug", flat=True)[articles.count() // 2]
    return {
        "detail": f"{API}{slug}/",
        "list": f"{API}?limit=20",
        "page1": f"{API}?limit=20&page=1",
        "page451": f"{API}?limit=20&page=451",
    }


def backend_ns() -> int:
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])


def cost(client: Client, path: str, before=lambda: None) -> tuple[float, float]:
    """(Python µs, PostgreSQL µs) of CPU per request: the least of ROUNDS rounds."""
    rounds = []
    for _ in range(ROUNDS):
        backend, started = backend_ns(), time.process_time()
        for _ in range(N):
            before()
            client.get(path)
        python = (time.process_time() - started) / N * 1e6
        rounds.append((python, (backend_ns() - backend) / N / 1e3))
    return min(r[0] for r in rounds), min(r[1] for r in rounds)


def main() -> None:
    settings.DELIVERY_CACHE_ENABLED = False
    paths = scenarios()
    wanted = sys.argv[1:] or list(paths)
    client = Client()
    for path in paths.values():
        assert client.get(path).status_code == 200, path
    gc.collect()
    gc.freeze()
    for name in wanted:
        path = paths[name]
        settings.DEBUG = True  # to count the queries
        reset_queries()
        size = len(client.get(path).content)
        queries = len(connection.queries)
        settings.DEBUG = False
        python, postgres = cost(client, path)
        print(
            f"{name}: Python {python:.0f} µs + PostgreSQL {postgres:.0f} µs CPU a request, "
            f"{queries} queries, {size} bytes"
        )
    if os.environ.get("COLD"):
        from content.delivery import paging

        python, postgres = cost(client, paths[wanted[0]], before=paging.clear)
        print(
            f"{wanted[0]}, its page map built each time: Python {python:.0f} µs + "
            f"PostgreSQL {postgres:.0f} µs"
        )
    if profiled := os.environ.get("PROFILE"):
        profile = cProfile.Profile(time.process_time)
        profile.enable()
        for _ in range(N):
            client.get(paths[profiled])
        profile.disable()
        pstats.Stats(profile).sort_stats(os.environ.get("SORT", "cumulative")).print_stats(40)


if __name__ == "__main__":
    main()
