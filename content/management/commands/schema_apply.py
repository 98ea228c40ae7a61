"""Apply a schema_export document here: a dry run unless --apply; all or nothing."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from content.runtime.commands import EntriesCommand, read_schema, refusal_text
from content.runtime.promotion import diff_lines, schema_apply


class Command(EntriesCommand):
    help = (
        "Make the content types here match a schema_export document. Without --apply, "
        "prints what would change (as schema_diff); with it, writes every change in one "
        "transaction, and a refused change (one entries' values don't fit) rolls back all."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="The schema_export document, or - for standard input.")
        parser.add_argument(
            "--apply", action="store_true", help="Write the changes (default: a dry run)."
        )

    def handle(self, *args, file: str, apply: bool, **options) -> None:
        document = read_schema(file)
        try:
            plans = schema_apply(actor=None, document=document, dry_run=not apply)
        except ValidationError as exc:
            raise CommandError(f"Refused; nothing was applied.\n{refusal_text(exc)}") from None
        for line in diff_lines(plans):
            self.stdout.write(line)
        if not apply:
            self.stdout.write("Dry run: nothing was written. Run again with --apply to apply.")
            return
        self.stdout.write(self.style.SUCCESS("Applied."))
