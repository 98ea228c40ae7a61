"""Write every runtime type as one JSON document, for schema_diff / schema_apply elsewhere."""

from __future__ import annotations

import json

from django.core.management.base import CommandError

from content.runtime.commands import EntriesCommand
from content.runtime.promotion import schema_document


class Command(EntriesCommand):
    help = (
        "Write every content type defined as data (with its fields' keys) as one JSON "
        "document, to promote it with schema_apply into another environment."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--output", "-o", default="-", help="File to write (default: standard output)."
        )

    def handle(self, *args, output: str, **options) -> None:
        text = json.dumps(schema_document(), indent=2, ensure_ascii=False) + "\n"
        if output == "-":
            self.stdout.write(text, ending="")
            return
        try:
            with open(output, "w", encoding="utf-8") as stream:
                stream.write(text)
        except OSError as exc:
            raise CommandError(f"Cannot write {output}: {exc.strerror}.") from None
