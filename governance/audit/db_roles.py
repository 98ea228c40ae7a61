"""PostgreSQL: the app runs as a role that does not own the tables, so it cannot alter the
audit log.

Migrations run as the owner; after each `migrate`, `DATABASE_APP_ROLE` is granted what the
app needs on every table, and on the audit log only SELECT and INSERT. Not being the owner,
it can neither disable the audit log's triggers nor drop or alter the table.
"""

from __future__ import annotations

import re

from django.core.exceptions import ImproperlyConfigured
from django.db import connections

AUDIT_TABLE = "governance_auditevent"
_ROLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")


def database_app_role_grant(*, role: str, using: str = "default") -> None:
    """Grant the app's role DML on every table, but only SELECT and INSERT on the audit log."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    if not _ROLE_NAME.match(role):
        raise ImproperlyConfigured(f"DATABASE_APP_ROLE {role!r} is not a plain role name.")
    quoted = connection.ops.quote_name(role)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_schema(), current_user, (SELECT 1 FROM pg_roles WHERE rolname = %s)",
            [role],
        )
        schema, current_user, exists = cursor.fetchone()
        if not exists:
            raise ImproperlyConfigured(
                f"DATABASE_APP_ROLE {role!r} does not exist: create it first "
                f"(CREATE ROLE {role} LOGIN PASSWORD '...')."
            )
        if role == current_user:
            raise ImproperlyConfigured(
                "DATABASE_APP_ROLE is the role migrations run as; it must be another one, "
                "that does not own the tables."
            )
        schema = connection.ops.quote_name(schema)
        for statement in (
            f"GRANT USAGE ON SCHEMA {schema} TO {quoted}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {quoted}",
            f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {schema} TO {quoted}",
            f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {AUDIT_TABLE} FROM {quoted}",
        ):
            cursor.execute(statement)


def on_post_migrate(sender, using: str = "default", **kwargs) -> None:
    """After `migrate`, re-grant: new tables need the app role's privileges too."""
    from django.conf import settings

    if settings.DATABASE_APP_ROLE:
        database_app_role_grant(role=settings.DATABASE_APP_ROLE, using=using)
