"""Section-limited roles at scale: the admin changelist and the API list for a user holding
50 scoped grants, against an Editor who holds the role everywhere.

Seeds SCALE published articles (default 100,000; the issue's figure is 1,000,000 on
PostgreSQL) through the shared bulk seeder, spread over a category tree of 10 sections
with 9 subsections each, and a user with 50 grants (Editor on 40 subsections, Viewer on 10
more). Then it times each request in this process (server time: no network, no client),
ROUNDS times, and prints the median and the worst, with the number of queries.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/folio_bench SCALE=1000000 \\
        .venv/bin/python bench/scoped_changelist.py

or `make bench-scoped` (SCALE and DATABASE_URL as for `make bench`).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from accounts.models import User  # noqa: E402
from bench.seed import PARAGRAPHS, WORKERS, fixtures  # noqa: E402
from content.models import Category, RoleGrant  # noqa: E402
from content.seeding import BulkFixtures, articles_bulk_create  # noqa: E402
from content.services.grants import role_grant_create  # noqa: E402

SCALE = int(os.environ.get("SCALE", "100000"))
ROUNDS = int(os.environ.get("ROUNDS", "7"))
GRANTS = 50
PREFIX = "scoped-"
PAGES = {
    "admin changelist": "/admin/content/article/",
    "admin changelist, page 20": "/admin/content/article/?p=20",
    "API list limit=50": "/api/v1/articles/?limit=50",
    "API list, page 20": "/api/v1/articles/?limit=50&page=20",
}


def sections(base: BulkFixtures) -> list[Category]:
    """10 sections of 9 subsections each; articles go to the subsections."""
    leaves = []
    for i in range(10):
        root, _ = Category.objects.get_or_create(
            locale=base.locale, slug=f"section-{i}", defaults={"name": f"Section {i}"}
        )
        for j in range(9):
            leaf, _ = Category.objects.get_or_create(
                locale=base.locale,
                slug=f"section-{i}-{j}",
                defaults={"name": f"Section {i}.{j}", "parent": root},
            )
            leaves.append(leaf)
    return leaves


def people(leaves: list[Category]) -> tuple[User, User]:
    """An Editor everywhere, and a user with GRANTS grants and no role of their own."""
    editor, _ = User.objects.get_or_create(
        email="editor@scoped.bench", defaults={"full_name": "Editor", "is_staff": True}
    )
    editor.groups.add(Group.objects.get(name="Editor"))
    scoped, _ = User.objects.get_or_create(
        email="sections@scoped.bench", defaults={"full_name": "Sections", "is_staff": True}
    )
    if not RoleGrant.objects.filter(user=scoped).exists():
        for n, leaf in enumerate(leaves[:GRANTS]):
            role = "Editor" if n < 40 else "Viewer"
            role_grant_create(actor=None, data={"user": scoped, "role": role, "category": leaf})
    return editor, scoped


def _backend_pids() -> list[int]:
    """The PostgreSQL backends serving this database (the pool's connections: this run's)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND backend_type = 'client backend'"
        )
        return [pid for (pid,) in cursor.fetchall()]


def _cpu_ns(pids: list[int]) -> int:
    """CPU time so far of this thread and of the backends, in ns (/proc/<pid>/schedstat:
    time on a CPU, not time waiting for one; 0 for a backend that has gone)."""
    total = time.thread_time_ns()
    for pid in pids:
        try:
            with open(f"/proc/{pid}/schedstat") as stat:
                total += int(stat.read().split()[0])
        except (OSError, ValueError):
            pass
    return total


def timings(get, path: str, cpu: list[float] | None = None) -> list[float]:
    """Server time in ms of each of ROUNDS requests, after one warm-up; into `cpu`, each
    one's CPU time (this process and its PostgreSQL backends, on the same machine): what
    a request costs whatever else shares the cores, where its wall time also counts the
    time it waited for one."""
    assert get(path).status_code == 200, path
    pids = _backend_pids() if cpu is not None and sys.platform == "linux" else []
    times = []
    for _ in range(ROUNDS):
        used = _cpu_ns(pids)
        started = time.perf_counter()
        response = get(path)
        times.append((time.perf_counter() - started) * 1000)
        if cpu is not None:
            cpu.append((_cpu_ns(pids) - used) / 1e6)
        assert response.status_code == 200, path
    return times


def query_count(get, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        get(path)
    return len(queries)


def measure(get, path: str) -> tuple[float, float, int]:
    """Median and worst server time in ms over ROUNDS requests (after one warm-up), and
    the queries of one request."""
    times = timings(get, path)
    return statistics.median(times), max(times), query_count(get, path)


def api_get(user: User):
    """GET as `user` through the API, with the user loaded afresh each time (as a token's
    user is), so each request reads its grants again."""
    client = APIClient()

    def get(path: str):
        client.force_authenticate(User.objects.get(pk=user.pk))
        return client.get(path)

    return get


def main() -> None:
    # The admin's pages name static files; without collectstatic, plain storage serves.
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        run()


def seed() -> BulkFixtures:
    """Migrate, then top up SCALE published articles over the sections (resumable); the
    fixtures they point at."""
    call_command("migrate", verbosity=0)
    base = fixtures()
    leaves = sections(base)
    started = time.monotonic()
    result = articles_bulk_create(
        fixtures=BulkFixtures(
            locale=base.locale,
            categories=leaves,
            tags=base.tags,
            authors=base.authors,
            images=base.images,
        ),
        total=SCALE,
        slug_prefix=PREFIX,
        batch_size=2000,
        paragraphs=int(os.environ.get("BENCH_PARAGRAPHS", str(min(PARAGRAPHS, 2)))),
        words=(20, 40),
        workers=WORKERS,
        progress=lambda done, total: print(f"  seeded {done}/{total}", flush=True),
    )
    print(f"seeded {result.articles} new articles in {time.monotonic() - started:.0f}s")
    return base


def run() -> None:
    leaves = sections(seed())
    editor, scoped = people(leaves)
    print(
        f"{connection.vendor}, {SCALE} articles; the scoped user holds "
        f"{RoleGrant.objects.filter(user=scoped).count()} grants; {ROUNDS} rounds\n"
    )
    print(f"{'request':32} {'user':8} {'median ms':>10} {'worst ms':>10} {'queries':>8}")
    for label, user in (("editor", editor), ("scoped", scoped)):
        admin = Client()  # a session: each request loads the user afresh
        admin.force_login(user)
        for name, path in PAGES.items():
            get = api_get(user) if name.startswith("API") else admin.get
            median, worst, queries = measure(get, path)
            print(f"{name:32} {label:8} {median:10.1f} {worst:10.1f} {queries:8}")


if __name__ == "__main__":
    main()
