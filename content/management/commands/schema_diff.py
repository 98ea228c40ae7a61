"""Print what applying a schema_export document here would change."""

from __future__ import annotations

from content.runtime.commands import EntriesCommand, read_schema
from content.runtime.promotion import diff_lines, schema_plan


class Command(EntriesCommand):
    help = (
        "Compare a schema_export document with the content types here: types added, fields "
        "added, renamed (matched by key), removed or changed. Prints 'No changes.' when "
        "they are the same."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="The schema_export document, or - for standard input.")

    def handle(self, *args, file: str, **options) -> None:
        for line in diff_lines(schema_plan(read_schema(file))):
            self.stdout.write(line)
