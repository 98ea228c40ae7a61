"""Run every active content policy over all content; exit 1 when anything blocks (for CI)."""

from __future__ import annotations

from django.core.management.base import CommandError

from content.runtime.commands import EntriesCommand
from governance.policies.services import policies_check_all


class Command(EntriesCommand):
    help = (
        "Check the latest revision of every article and page (trash excluded) against the "
        "active content policies. Prints one line per violation; exits 1 if any blocks."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--published-only",
            action="store_true",
            help="Check only items that are live (their latest revision).",
        )

    def handle(self, *args, published_only: bool = False, **options):
        report = policies_check_all(published_only=published_only)
        for row in report.rows:
            style = self.style.ERROR if row["severity"] == "block" else self.style.WARNING
            self.stdout.write(
                style(
                    f"{row['severity'].upper():5} {row['type']} {row['id']} "
                    f"r{row['revision']} “{row['title']}” {row['field']}: {row['message']} "
                    f"[{row['policy']}/{row['rule']}]"
                )
            )
        summary = (
            f"Checked {report.checked} item(s) against {report.policies} active "
            f"polic{'y' if report.policies == 1 else 'ies'}: {report.blocking} blocking, "
            f"{report.warnings} warning violation(s); {report.overridden} overridden."
        )
        if report.blocking:
            self.stdout.write(self.style.ERROR(summary))
            raise CommandError(f"{report.blocking} blocking policy violation(s).", returncode=1)
        self.stdout.write(self.style.SUCCESS(summary))
