"""Publishing a release of ITEMS articles (default 500): validate, preview, publish, revert.

Creates ITEMS draft articles (and half as many published ones with pending changes, so the
release both publishes new items and replaces live revisions), builds a release of them as
an Editor would, then times validating it (a rolled-back dry run of every item's publish),
one delivery request under a release preview token (the same dry run, then the list it
leaves), publishing it (one transaction, every item through the lifecycle: checks, policies,
snapshots, webhooks, audit) and reverting it. The issue's limit: publishing 500 items in
under 10 s on PostgreSQL on this machine.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/folio_bench ITEMS=500 \\
        .venv/bin/python bench/releases.py

or `make bench-releases`.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from accounts.models import User  # noqa: E402
from content.models import Article, Status  # noqa: E402
from content.services import entries, lifecycle  # noqa: E402
from content.services import releases as rel  # noqa: E402
from content.services.release_preview import release_preview_token_create  # noqa: E402
from content.services.release_publishing import release_publish, release_revert  # noqa: E402

ITEMS = int(os.environ.get("ITEMS", "500"))
LIMIT_S = 10.0


def _timed(label: str, fn) -> float:
    start = time.perf_counter()
    fn()
    seconds = time.perf_counter() - start
    print(f"{label:<12}{seconds:>8.2f} s{seconds / ITEMS * 1000:>10.1f} ms/item")
    return seconds


def main() -> None:
    call_command("migrate", verbosity=0)
    admin = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
        email="bench-releases@folio.local", password=None
    )
    live = ITEMS // 2
    made = []
    for n in range(ITEMS):
        article = entries.entry_create(
            model=Article, actor=admin, data={"title": f"Release probe {n}", "summary": "Draft"}
        )
        if n < live:  # live, with a pending change: the release replaces its live revision
            lifecycle.entry_publish(entry=article, actor=admin)
            article = entries.entry_update(entry=article, actor=admin, data={"summary": "New"})
        made.append(article)
    release = rel.release_create(actor=admin, name=f"Bench release of {ITEMS}")
    for article in made:
        rel.release_item_add(actor=admin, release=release, entry=article)
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"{connection.vendor}, a release of {ITEMS} articles ({live} already live); load {load}")
    _timed("validate", lambda: rel.release_validate(release=release, actor=admin))
    token = release_preview_token_create(release=release, actor=admin)["token"]
    frontend = Client(HTTP_X_FOLIO_RELEASE_PREVIEW=token)

    def preview() -> None:
        listed = frontend.get("/api/v1/delivery/articles/", {"limit": 100})
        assert listed.status_code == 200, listed.content[:300]
        assert "X-Folio-Release-Blocked" not in listed, listed["X-Folio-Release-Blocked"]

    _timed("preview", preview)
    published = _timed("publish", lambda: release_publish(release=release, actor=admin))
    ids = [a.pk for a in made]
    assert Article.objects.filter(pk__in=ids, status=Status.PUBLISHED).count() == ITEMS
    _timed("revert", lambda: release_revert(release=release, actor=admin))
    assert Article.objects.filter(pk__in=ids, status=Status.PUBLISHED).count() == live
    verdict = "within" if published < LIMIT_S else "OVER"
    print(f"publish: {published:.2f} s, {verdict} the {LIMIT_S:.0f} s limit")


if __name__ == "__main__":
    main()
