"""The base of Folio's commands that read or write entries: they load the runtime types
first (a command opens its database connection lazily, so registry lookups would not)."""

from __future__ import annotations

import sys
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from content.runtime.promotion import parse_document
from content.runtime.registry import sync


class EntriesCommand(BaseCommand):
    def execute(self, *args, **options):
        sync(force=True)
        return super().execute(*args, **options)


class BatchedEntriesCommand(EntriesCommand):
    """A command that works through every item in batches, one transaction each."""

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size", type=int, default=500, help="Items per transaction (default 500)."
        )

    def execute(self, *args, **options):
        if options.get("batch_size", 1) < 1:
            # 0 would do nothing and say so as if it had succeeded.
            raise CommandError("--batch-size must be at least 1.")
        return super().execute(*args, **options)


def refusal_text(exc: ValidationError) -> str:
    """A service refusal on one line per path, for a CommandError."""
    if hasattr(exc, "error_dict"):
        return "\n".join(f"{path}: {' '.join(m)}" for path, m in exc.message_dict.items())
    return " ".join(exc.messages)


def read_schema(file: str) -> dict[str, Any]:
    """The promotion document in `file` (- for standard input), or a CommandError."""
    try:
        if file == "-":
            text = sys.stdin.read()
        else:
            with open(file, encoding="utf-8") as stream:
                text = stream.read()
    except OSError as exc:
        raise CommandError(f"Cannot read {file}: {exc.strerror}.") from None
    except UnicodeDecodeError:
        raise CommandError(f"{file} is not UTF-8 text; is it a schema_export file?") from None
    try:
        return parse_document(text)
    except ValidationError as exc:
        raise CommandError(
            f"{file} is not a schema_export document:\n{refusal_text(exc)}"
        ) from None
