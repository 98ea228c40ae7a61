"""The editors' admin at scale: the dashboard (admin index with its cards, the governance
dashboard), the article changelist and the media library, per role.

Seeds SCALE published articles (default 100,000) as bench/scoped_changelist.py does (the
same articles and sections: the two benchmarks share a database), then gives them what a
dashboard reports on, by SQL over the seeded rows (idempotent):
- owners spread over 20 authors; 1 in 50 items a draft; review dates spread over two
  years around today (about half overdue); 1 in 2,000 scheduled within the week;
- 1 in 1,000 items with a failed policy check on its latest revision;
- 50 submissions waiting in the "Standard review" workflow;
- a webhook with 200 failed deliveries (dead, or retrying);
then VACUUM ANALYZE (BENCH_VACUUM=1 asks for it again on a database seeded before).

Then times each page in this process (server time: no network, no client), ROUNDS times,
for an Administrator, an Editor, a Reviewer, an Author (who owns 1/20 of the items) and a
user holding 50 section grants, and prints the median and the worst (and which round),
the median and worst CPU time (this process and its PostgreSQL backends: what a request
costs on a shared machine) and the number of queries; then the time of each dashboard
card and report alone, for every role.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/folio_bench SCALE=100000 \\
        .venv/bin/python bench/admin_dashboard.py

or `make bench-admin` (SCALE and DATABASE_URL as for `make bench`).
"""

from __future__ import annotations

import gc
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
from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models.functions import Mod  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from bench import scoped_changelist as scoped  # noqa: E402
from content.models import Article, Revision, Status  # noqa: E402
from governance.models import Submission, Workflow  # noqa: E402
from governance.policies.models import ContentPolicy, PolicyResult  # noqa: E402
from governance.reports import cards  # noqa: E402
from governance.reports import queries as reports  # noqa: E402
from governance.webhooks.models import (  # noqa: E402
    DeliveryStatus,
    Webhook,
    WebhookDelivery,
    WebhookEvent,
)

ROUNDS = scoped.ROUNDS
PAGES = {
    "admin index (cards)": "/admin/",
    "governance dashboard": "/admin/governance/dashboard/",
    "article changelist": "/admin/content/article/",
    "articles: drafts": "/admin/content/article/?status__exact=draft",
    "media library (grid)": "/admin/content/mediaasset/",
}
LABELS = ("admin", "editor", "reviewer", "author", "scoped")
MARK = "bench-dashboard"  # the webhook's name: the state is applied once


def dashboard_state(authors: list[User]) -> bool:
    """Owners, drafts, review dates, schedules, violations, submissions and failed
    deliveries over the seeded articles (once: the bench webhook marks it done); whether
    it was applied now."""
    if Webhook.objects.filter(name=MARK).exists():
        return False
    table = Article._meta.db_table
    owners = [a.pk for a in authors]
    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        # One statement over every row: the owner by id, a draft in 50, a review date in
        # the two years around today, one in 2,000 scheduled within the week.
        cursor.execute(
            f"UPDATE {table} SET "  # noqa: S608 - table name from the model, values bound
            "owner_id = (%s::bigint[])[1 + id %% %s], "
            "status = CASE WHEN id %% 50 = 0 THEN %s "
            "  WHEN id %% 2000 = 1 THEN %s ELSE status END, "
            "publish_at = CASE WHEN id %% 2000 = 1 "
            "  THEN %s + (id %% 7) * interval '1 day' ELSE publish_at END, "
            "next_review_at = %s - interval '365 days' + (id %% 730) * interval '1 day'",
            [owners, len(owners), Status.DRAFT, Status.SCHEDULED, now, now],
        )
        policy = ContentPolicy.objects.create(
            name="Bench: no jargon", kind="banned_terms", params={"terms": ["synergy"]}
        )
        latest = Article.objects.filter(pk__in=_every(1000)).values_list("latest_revision_id")
        PolicyResult.objects.bulk_create(
            PolicyResult(
                revision_id=rev,
                policy=policy,
                passed=False,
                violations=[{"field": "body", "rule": "banned_terms", "message": "synergy"}],
                checked_at=now,
            )
            for (rev,) in latest
        )
        workflow = Workflow.objects.get(name="Standard review")
        step = workflow.steps.order_by("order").first()
        article_type = ContentType.objects.get_for_model(Article)
        waiting = Article.objects.filter(pk__in=_every(997)).values_list("pk", "latest_revision")
        Submission.objects.bulk_create(
            Submission(
                content_type=article_type,
                object_id=pk,
                revision_id=rev,
                workflow=workflow,
                submitted_by=authors[pk % len(authors)],
                current_step=step,
            )
            for pk, rev in list(waiting)[:50]
        )
        hook = Webhook.objects.create(name=MARK, url="https://hooks.example.com/folio")
        events = WebhookEvent.objects.bulk_create(
            WebhookEvent(event_type="content.published", payload={"n": n}) for n in range(200)
        )
        WebhookDelivery.objects.bulk_create(
            WebhookDelivery(
                webhook=hook,
                event=event,
                status=DeliveryStatus.DEAD if n % 2 else DeliveryStatus.PENDING,
                attempts=8 if n % 2 else 2,
                last_error="Connection refused",
                last_attempt_at=now,
            )
            for n, event in enumerate(events)
        )
    return True


def _every(n: int):
    """Ids of every n-th article (a subquery, not a list)."""
    return Article.objects.annotate(nth=Mod("id", n)).filter(nth=0).values("pk")


def roles(authors: list[User]) -> dict[str, User]:
    """An Administrator, a Reviewer and an Author (the first bench author) to sign in as."""
    found = {}
    for label, role in (("admin", "Administrator"), ("reviewer", "Reviewer")):
        user, _ = User.objects.get_or_create(
            email=f"{label}@dashboard.bench", defaults={"full_name": role, "is_staff": True}
        )
        user.groups.add(Group.objects.get(name=role))
        found[label] = user
    author = authors[0]
    User.objects.filter(pk=author.pk).update(is_staff=True)
    author.groups.add(Group.objects.get(name="Author"))
    found["author"] = User.objects.get(pk=author.pk)
    return found


# What the pages are made of: each card, and the governance dashboard's own reports.
PARTS = {
    "my drafts": cards.my_drafts,
    "my review tasks": cards.my_review_tasks,
    "due for review": cards.due_for_review,
    "scheduled this week": cards.scheduled_this_week,
    "open policy violations": cards.policy_violation_card,
    "webhook failures": cards.webhook_failures,
    "status counts": lambda user: reports.status_counts(viewer=user),
    "overdue reviews": lambda user: reports.overdue_reviews(viewer=user, limit=10),
    "publishing activity": lambda user: reports.publishing_activity(days=30),
}


def time_parts(user: User) -> dict[str, str]:
    """ "median / worst" ms of each part alone, for `user` (its grants read once)."""
    shown = {}
    fresh = User.objects.get(pk=user.pk)
    for name, part in PARTS.items():
        if part(fresh) is None:  # a card this user does not get
            shown[name] = "—"
            continue
        times = []
        for _ in range(ROUNDS):
            started = time.perf_counter()
            part(fresh)
            times.append((time.perf_counter() - started) * 1000)
        shown[name] = f"{statistics.median(times):.1f} / {max(times):.1f}"
    return shown


def vacuum() -> None:
    """VACUUM ANALYZE what the seeding and the state wrote: a table fresh from COPY has no
    visibility map (no index-only scans) and one just UPDATEd holds a dead copy of every row,
    which nothing clears while autovacuum is off or has not come round (a run beside it
    would time autovacuum too)."""
    tables = [
        model._meta.db_table
        for model in (Article, Revision, PolicyResult, Submission, WebhookDelivery)
    ]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(table)}")


def main() -> None:
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        run()


def run() -> None:
    if connection.vendor != "postgresql":
        sys.exit("This benchmark seeds its dashboard state with PostgreSQL SQL: set DATABASE_URL.")
    started = time.monotonic()
    base = scoped.seed()
    print(f"seeded in {time.monotonic() - started:.0f}s")
    leaves = scoped.sections(base)
    editor, sections = scoped.people(leaves)
    if dashboard_state(list(base.authors)) or os.environ.get("BENCH_VACUUM"):
        started = time.monotonic()
        vacuum()
        print(f"VACUUM ANALYZE in {time.monotonic() - started:.0f}s")
    users = {**roles(list(base.authors)), "editor": editor, "scoped": sections}
    # As config.wsgi does for a worker: what is loaded is kept out of the collector's full
    # passes (here also the seeding's leftovers, which no worker has).
    gc.freeze()
    total = Article.objects.count()
    print(
        f"{connection.vendor}, {total:,} articles, "
        f"{Article.objects.filter(owner=users['author']).count():,} owned by the author; "
        f"{ROUNDS} rounds; load average {os.getloadavg()[0]:.2f} at the start\n"
    )
    # Wall time, and CPU time (this process and its PostgreSQL backends): on a shared
    # machine the wall time also counts the waits for a core that others held.
    head = f"{'page':28} {'user':9} {'median ms':>10} {'worst ms':>10} {'worst at':>9}"
    print(f"{head} {'CPU median':>11} {'CPU worst':>10} {'queries':>8}")
    for label in LABELS:
        client = Client()
        client.force_login(users[label])
        for name, path in PAGES.items():
            cpu: list[float] = []
            times = scoped.timings(client.get, path, cpu)
            worst = max(times)
            print(
                f"{name:28} {label:9} {statistics.median(times):10.1f} {worst:10.1f} "
                f"{times.index(worst) + 1:>9} {statistics.median(cpu):11.1f} {max(cpu):10.1f} "
                f"{scoped.query_count(client.get, path):8}"
            )
    print(f"\neach part alone, ms (median / worst of {ROUNDS}):")
    print(f"{'part':24}" + "".join(f"{label:>16}" for label in LABELS))
    parts = {label: time_parts(users[label]) for label in LABELS}
    for name in PARTS:
        print(f"{name:24}" + "".join(f"{parts[label][name]:>16}" for label in LABELS))
    print(f"\nload average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
