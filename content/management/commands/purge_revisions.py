"""Delete old revisions, keeping the newest N per item and every live or latest one."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.db import transaction

from content.runtime.commands import EntriesCommand
from content.services.revisions import revisions_purge


class Command(EntriesCommand):
    help = "Purge revisions older than DAYS beyond the newest N per item (never a live one)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--keep", type=int, default=10, help="Newest revisions kept per item.")
        parser.add_argument(
            "--older-than", type=int, default=90, dest="older_than", help="Only older (days)."
        )
        parser.add_argument("--dry-run", action="store_true", help="Count, delete nothing.")

    def handle(self, *args, keep: int, older_than: int, dry_run: bool, **options) -> None:
        try:
            with transaction.atomic():
                count = revisions_purge(keep=keep, older_than_days=older_than, dry_run=dry_run)
        except ValidationError as exc:  # the service's own limits: a message, not a traceback
            raise CommandError(" ".join(exc.messages)) from None
        verb = "Would delete" if dry_run else "Deleted"
        self.stdout.write(f"{verb} {count} revision(s).")
