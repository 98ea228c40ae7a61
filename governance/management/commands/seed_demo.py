"""Seed a demo site: one user per role, then content policies and realistic content.
Safe to run again.

`make run` calls this on every start, so the second run must cost nothing: users are
made once (the password is printed only then) and policies and content (the `person` and
`event` types defined as data included) only on a site with no content. `--articles N`
tops the demo up to N articles with the bulk seeder, resumably. It seeds every app
(accounts, governance and content), so it lives in governance, the top app, which may
import all of them.
"""

from __future__ import annotations

import os
import secrets
import sys
import time

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count

from accounts.models import User
from accounts.roles import ROLE_NAMES
from accounts.services import user_create
from content.models import Article, Entry, Page
from content.runtime.commands import EntriesCommand
from content.seeding import articles_bulk_create, bulk_count
from content.seeding.demo import (
    BULK_PREFIX,
    HAND_MADE,
    Cast,
    content_exists,
    demo_content_create,
    demo_fixtures,
)
from content.seeding.saved_views import DEMO_VIEWS, demo_saved_views_create
from content.seeding.types import demo_types_create
from governance.policies.seeding import POLICY_VIOLATIONS_VIEW, demo_policies_create

DEMO_DOMAIN = "folio.local"
DEFAULT_ARTICLES = 200
MAX_ARTICLES = 10_000_000


class Command(EntriesCommand):
    help = (
        "Create demo users in every role (the login is printed once) and, on a site "
        "without content, demo content policies, pages, articles, taxonomy, images and "
        "two content types defined as data (person, event) with published entries, and "
        "three shared saved views. "
        "--articles N tops the demo up to N articles in bulk."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--articles",
            type=int,
            default=None,
            help=f"Total demo articles to reach (default {DEFAULT_ARTICLES} on a fresh site).",
        )
        parser.add_argument(
            "--batch-size", type=int, default=5000, help="Articles per bulk transaction."
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=os.cpu_count() or 1,
            help="Processes writing batches side by side on PostgreSQL (default: one a core).",
        )
        parser.add_argument("--no-content", action="store_true", help="Create the users only.")

    def handle(
        self,
        *args,
        articles: int | None,
        batch_size: int,
        workers: int,
        no_content: bool,
        **options,
    ):
        if articles is not None and not 0 <= articles <= MAX_ARTICLES:
            raise CommandError(f"--articles must be between 0 and {MAX_ARTICLES}.")
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        if workers < 1:
            raise CommandError("--workers must be at least 1.")
        self._users()
        if not no_content:
            self._content(articles, batch_size, workers)

    # --- Users ----------------------------------------------------------------------------

    @transaction.atomic
    def _users(self) -> None:
        admin_email = f"admin@{DEMO_DOMAIN}"
        if User.objects.filter(email=admin_email).exists():
            self.stdout.write(
                f"Demo users already exist; log in as {admin_email} with the password printed "
                "on the first run (reset it with `manage.py changepassword`)."
            )
            return
        names = {
            "Editor": "Eddie Editor",
            "Author": "Aria Author",
            "Reviewer": "Rhea Reviewer",
            "Viewer": "Vic Viewer",
        }
        users = [(admin_email, "Ada Admin", ROLE_NAMES[0])]
        users += [(f"{role.lower()}@{DEMO_DOMAIN}", name, role) for role, name in names.items()]
        password = _demo_password(users)
        for email, full_name, role in users:
            user_create(
                actor=None, email=email, password=password, full_name=full_name, roles=[role]
            )
        self.stdout.write(self.style.SUCCESS("\nDemo login (shown once, save it):"))
        self.stdout.write(f"  email:    {admin_email}\n  password: {password}")
        emails = ", ".join(f"{r.lower()}@{DEMO_DOMAIN}" for r in names)
        self.stdout.write(f"  The same password works for {emails}.")
        if settings.MFA_REQUIRED_ROLES:
            roles = ", ".join(settings.MFA_REQUIRED_ROLES)
            self.stdout.write(
                f"  {roles}: set up two-factor sign-in (an authenticator app) at the first "
                "sign-in (MFA_REQUIRED_ROLES; docs/security.md)."
            )
        self.stdout.write("")

    # --- Content --------------------------------------------------------------------------

    def _cast(self) -> Cast:
        # A missing demo user (deleted by hand) falls back to the system actor (None).
        users = {u.email: u for u in User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}")}
        return Cast(
            **{
                role: users.get(f"{role}@{DEMO_DOMAIN}")
                for role in ("admin", "editor", "author", "reviewer")
            }
        )

    def _content(self, articles: int | None, batch_size: int, workers: int) -> None:
        cast = self._cast()
        if content_exists():
            if articles is None:
                self.stdout.write(
                    f"Demo content exists ({Article.objects.count()} articles, "
                    f"{Page.objects.count()} pages, {_entries_summary()}); nothing to do."
                )
                return
        else:
            started = time.monotonic()
            self.stdout.write("Creating demo content through the services…")
            with transaction.atomic():
                # Policies first: every demo submit and publish is checked against them.
                for policy in demo_policies_create(actor=cast.admin):
                    self.stdout.write(f"  content policy “{policy.name}” ({policy.severity})")
                demo_content_create(cast=cast, log=self.stdout.write)
                demo_types_create(cast=cast, log=self.stdout.write)
                views = (*DEMO_VIEWS, POLICY_VIOLATIONS_VIEW)
                for view in demo_saved_views_create(owner=cast.admin, views=views):
                    roles = ", ".join(g.name for g in view.roles.all())
                    self.stdout.write(f"  saved view “{view.name}”, shared with {roles}")
            self.stdout.write(f"  done in {time.monotonic() - started:.1f}s")
        target = max((DEFAULT_ARTICLES if articles is None else articles) - HAND_MADE, 0)
        fixtures = demo_fixtures(cast=cast)
        have = bulk_count(locale=fixtures.locale, slug_prefix=BULK_PREFIX)
        if have >= target:
            self.stdout.write(f"Demo articles: {Article.objects.count()}; nothing to add.")
            return
        self.stdout.write(f"Bulk-seeding {target - have} articles (batches of {batch_size})…")
        started = time.monotonic()
        # The read model is written batch by batch with the articles: no rebuild afterwards.
        result = articles_bulk_create(
            fixtures=fixtures,
            total=target,
            slug_prefix=BULK_PREFIX,
            batch_size=batch_size,
            workers=workers,
            progress=ProgressBar(self.stdout, start=have),
        )
        elapsed = max(time.monotonic() - started, 1e-6)
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {result.articles} articles in {elapsed:.1f}s with "
                f"{result.workers} process(es) "
                f"({result.articles / elapsed:,.0f} articles/s, {result.rows:,} rows, "
                f"{result.rows / elapsed:,.0f} rows/s, delivery snapshots included); "
                f"{Article.objects.count()} articles in all."
            )
        )


def _entries_summary() -> str:
    """Entries of the types defined as data, by type: "12 event entries, 12 person entries"."""
    counts = (
        Entry.objects.values_list("definition__api_id")
        .annotate(n=Count("pk"))
        .order_by("definition__api_id")
    )
    return ", ".join(f"{n} {api_id} entries" for api_id, n in counts) or "no typed entries"


class ProgressBar:
    """`[#####-----] 50000/100000 12,345 articles/s`, redrawn in place on a terminal."""

    width = 30

    def __init__(self, out, *, start: int = 0, unit: str = "articles") -> None:
        self.out, self.start, self.started, self.unit = out, start, time.monotonic(), unit
        self.tty = sys.stdout.isatty()
        self.last_tenth = -1

    def __call__(self, done: int, total: int) -> None:
        filled = min(int(self.width * done / total), self.width) if total else self.width
        rate = (done - self.start) / max(time.monotonic() - self.started, 1e-6)
        bar = "#" * filled + "-" * (self.width - filled)
        line = f"[{bar}] {done}/{total} {rate:,.0f} {self.unit}/s"
        if self.tty:
            self.out.write(f"\r{line}", ending="\n" if done >= total else "")
            self.out.flush()
            return
        # Logs (CI, `make run` piped through honcho) get a line per tenth, not per batch.
        tenth = 10 * done // total if total else 10
        if tenth != self.last_tenth:
            self.last_tenth = tenth
            self.out.write(line)


def _demo_password(users: list[tuple[str, str, str]]) -> str:
    """A random password that every demo user's password validators accept: now and then
    a random one is "too similar" to an address (folio.local), and seeding must not fail."""
    while True:
        password = f"folio-{secrets.token_urlsafe(9)}"
        try:
            for email, full_name, _role in users:
                validate_password(password, User(email=email, full_name=full_name))
        except ValidationError:
            continue
        return password
