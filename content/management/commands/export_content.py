"""Export all content (with media files) as JSONL, to a file or standard output."""

from __future__ import annotations

import sys

from django.core.management.base import CommandError

from content.exchange import content_export
from content.runtime.commands import EntriesCommand


class Command(EntriesCommand):
    help = (
        "Write the content types defined as data, locales, categories, tags, media (base64), "
        "the items of every publishable "
        "type and redirects as JSON Lines, with natural keys, ready for import_content on "
        "another site."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--output", "-o", default="-", help="File to write (default: standard output)."
        )

    def handle(self, *args, output: str, **options) -> None:
        if output == "-":
            counts = content_export(self.stdout)
            summary = sys.stderr  # keep standard output pure JSONL for pipes
        else:
            try:
                with open(output, "w", encoding="utf-8") as stream:
                    counts = content_export(stream)
            except OSError as exc:
                raise CommandError(f"Cannot write {output}: {exc.strerror}.") from None
            summary = self.stdout
        described = ", ".join(f"{n} {kind}" for kind, n in counts.items()) or "nothing"
        summary.write(f"Exported {described}.\n")
