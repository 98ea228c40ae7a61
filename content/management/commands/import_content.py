"""Import a JSONL export made by export_content; all or nothing."""

from __future__ import annotations

import sys

from django.core.management.base import CommandError

from content.exchange import ImportFailure, content_import
from content.runtime.commands import EntriesCommand


class Command(EntriesCommand):
    help = (
        "Import an export_content file through the content services. Existing items "
        "(same natural key) are skipped; any bad line aborts the whole import."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="The JSONL file, or - for standard input.")

    def handle(self, *args, file: str, **options) -> None:
        try:
            if file == "-":
                report = content_import(sys.stdin)
            else:
                with open(file, encoding="utf-8") as stream:
                    report = content_import(stream)
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}.") from None
        except UnicodeDecodeError:
            raise CommandError(f"{file} is not UTF-8 text; is it an export_content file?") from None
        except ImportFailure as exc:
            raise CommandError(f"{exc} Nothing was imported.") from None
        created = ", ".join(f"{n} {k}" for k, n in report.created.items()) or "nothing"
        self.stdout.write(self.style.SUCCESS(f"Imported {created}."))
        if report.skipped:
            skipped = ", ".join(f"{n} {k}" for k, n in report.skipped.items())
            self.stdout.write(f"Skipped (already present): {skipped}.")
