"""waffle's commands, audited: Folio's versions (flags/management/commands) keep waffle's
options and output, and write through flags.services as the system (actor None), so a
change made from a shell is in the audit log like one made in the admin."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from typing import Any

from django.core.management.base import CommandError

from core.admin_services import SERVICE_ERRORS, error_messages


def refusal_text(exc: Exception) -> str:
    return "; ".join(
        f"{field}: {msg}" if field else msg
        for field, msgs in error_messages(exc).items()
        for msg in msgs
    )


@contextmanager
def refusals_as_command_errors():
    """A service refusal ends the command with exit code 1 and its reasons."""
    try:
        yield
    except SERVICE_ERRORS as exc:
        raise CommandError(f"Refused: {refusal_text(exc)}") from None


def get_or_create(model, name: str, create: bool, make: Callable[[], Any], what: str):
    """The named row; made by `make()` (a service call) with --create, else CommandError."""
    found = model.objects.filter(name=name).first()
    if found is not None:
        return found, False
    if not create:
        raise CommandError(f"This {what} does not exist.")
    return make(), True
