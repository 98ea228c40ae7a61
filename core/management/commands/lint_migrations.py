"""`manage.py lint_migrations`: refuse new migrations that would break a rolling deploy.

During a rollout the version still running serves traffic on the schema the new version
just migrated, and a migration that holds a lock on a large table stalls every request that
touches it. django-migration-linter reads the SQL each migration would run on PostgreSQL,
as production runs (on another backend this command says so and skips), and refuses
backward-incompatible changes (dropping or renaming a column or table, NOT NULL without a
default, ...); here its warnings are errors too, so statements that lock a table (CREATE
INDEX without CONCURRENTLY, ...) are refused as well. docs/operations.md, "Zero-downtime
migrations", says how to write such a change in steps (expand/contract).

Migrations that existed when the linter came in are grandfathered in
core/migration_baseline.txt and not linted: they ran long ago. Only the project's own apps
are linted, never third-party packages' nor the test suite's fixture apps. A migration that
is safe in spite of the linter (a table known to be small) carries
`django_migration_linter.IgnoreMigration()` with a comment saying why; it is never added to
the baseline.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.loader import MigrationLoader

BASELINE = Path(__file__).resolve().parents[2] / "migration_baseline.txt"


def project_migrations() -> list[tuple[str, str]]:
    """(app_label, name) of every migration on disk in the project's own apps."""
    tests = Path(settings.BASE_DIR) / "tests"  # the suite's fixture apps ship no schema
    own = {
        config.label
        for config in apps.get_app_configs()
        if "site-packages" not in Path(config.path).parts
        and not Path(config.path).is_relative_to(tests)
    }
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return sorted(key for key in loader.disk_migrations if key[0] in own)


def read_baseline(path: Path) -> set[tuple[str, str]]:
    if not path.exists():
        return set()
    entries = (line.strip() for line in path.read_text().splitlines())
    return {
        tuple(line.split("/", 1))  # type: ignore[misc]
        for line in entries
        if line and not line.startswith("#")
    }


class Command(BaseCommand):
    help = "Lint the migrations newer than the baseline with django-migration-linter."

    def add_arguments(self, parser):
        parser.add_argument("--baseline", type=Path, default=BASELINE)
        parser.add_argument(
            "--write-baseline",
            action="store_true",
            help="Grandfather every migration on disk (once, when adopting the linter).",
        )

    def handle(self, *args, baseline: Path, write_baseline: bool, **options):
        migrations = project_migrations()
        if write_baseline:
            lines = [f"{app}/{name}" for app, name in migrations]
            header = (
                "# Migrations that predate the linter (manage.py lint_migrations): not linted.\n"
                "# Never add a new migration here; see docs/operations.md.\n"
            )
            baseline.write_text(header + "\n".join(lines) + "\n")
            self.stdout.write(f"Wrote {len(lines)} migrations to {baseline}.")
            return
        if connection.vendor != "postgresql":
            # The linter judges the SQL this backend would run; SQLite rebuilds a table for
            # most changes, so its verdicts say nothing about production's PostgreSQL.
            self.stdout.write(
                f"Skipped on {connection.vendor}: lint_migrations judges PostgreSQL's SQL. "
                "Run it with DATABASE_URL set to a PostgreSQL database (CI's lint leg does)."
            )
            return
        grandfathered = read_baseline(baseline)
        new = [key for key in migrations if key not in grandfathered]
        if not new:
            self.stdout.write(
                f"No migrations newer than the baseline ({len(grandfathered)} grandfathered)."
            )
            return
        try:
            from django_migration_linter.management.commands.lintmigrations import (
                Command as LintMigrations,
            )
        except ImportError as exc:  # a dev/CI tool, not in the production image
            raise CommandError("pip install -r requirements/dev.txt first") from exc
        if options["verbosity"] < 2:  # its "Calling sqlmigrate ..." lines, once per migration
            logging.getLogger("django_migration_linter").setLevel(logging.WARNING)
        with tempfile.NamedTemporaryFile("w", suffix=".txt") as listing:
            # The linter's --include-migrations-from takes migration file paths.
            listing.write("".join(f"{app}/migrations/{name}.py\n" for app, name in new))
            listing.flush()
            try:
                call_command(
                    LintMigrations(),
                    include_migrations_from=listing.name,
                    no_cache=True,
                    warnings_as_errors=[],
                    verbosity=options["verbosity"],
                )
            except SystemExit as exit_:
                if exit_.code:
                    raise CommandError(
                        "A new migration would break the running version or lock a table: "
                        "see docs/operations.md, Zero-downtime migrations."
                    ) from None
