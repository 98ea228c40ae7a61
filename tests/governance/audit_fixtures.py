"""Helpers for tests that tamper with the audit log the way someone with SQL access would."""

from __future__ import annotations

import itertools

from django.db import connection

from accounts.services import user_create
from governance.models import AuditEvent

_numbers = itertools.count()


def tamper(sql: str, params: list | None = None) -> None:
    """Run raw SQL on the audit table with its append-only triggers switched off."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A tampering superuser would switch the append-only trigger off first.
            cursor.execute("SET session_replication_role = replica")
            # The test's own transaction holds deferred FK checks, which TRUNCATE refuses.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(sql, params or [])
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = DEFAULT")


def make_events(n: int) -> list[AuditEvent]:
    """n audit events (one user.create each), oldest first, with any earlier ones."""
    for _ in range(n):
        email = f"u{next(_numbers)}@example.com"
        user_create(actor=None, email=email, password="a-long-passphrase-42")
    return list(AuditEvent.objects.order_by("id"))
