"""PostgreSQL: the app's own role reads and appends to the audit log, and nothing more."""

from __future__ import annotations

import secrets

import psycopg
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection

from governance.audit.db_roles import database_app_role_grant
from governance.models import AuditEvent
from tests.governance.audit_fixtures import make_events

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="roles are PostgreSQL's"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def app_role():
    """A login role like an operator's folio_app; dropped afterwards."""
    role, password = f"folio_app_{secrets.token_hex(4)}", secrets.token_urlsafe(16)
    with connection.cursor() as cursor:
        # DDL takes no bound parameters; both values are URL-safe characters only.
        cursor.execute(f"CREATE ROLE {role} LOGIN PASSWORD '{password}'")
    params = {**connection.get_connection_params(), "user": role, "password": password}
    params.pop("cursor_factory", None)
    params.pop("context", None)
    yield role, params
    with connection.cursor() as cursor:
        cursor.execute(f"DROP OWNED BY {role}")
        cursor.execute(f"DROP ROLE {role}")


def attempt(params: dict, sql: str) -> str:
    """Run one statement as the app role: 'ok', or PostgreSQL's refusal."""
    with psycopg.connect(**params, autocommit=True) as conn:
        try:
            conn.execute(sql)
        except psycopg.Error as exc:
            return str(exc).splitlines()[0]
    return "ok"


def test_migrate_grants_the_app_role_only_select_and_insert_on_the_audit_log(app_role, settings):
    role, params = app_role
    event = make_events(1)[-1]
    settings.DATABASE_APP_ROLE = role
    call_command("migrate", verbosity=0)

    # What the app does all day works.
    assert attempt(params, "SELECT count(*) FROM content_article") == "ok"
    assert attempt(params, "UPDATE content_article SET title = title") == "ok"
    assert attempt(params, "SELECT count(*) FROM governance_auditevent") == "ok"
    insert = (
        "INSERT INTO governance_auditevent (created_at, actor_repr, action, target_type, "
        "target_id, target_repr, changes, metadata, request_id, prev_hash, hash) VALUES "
        "(now(), '', 'test.append', '', '', '', '{}', '{}', '', 'p', 'h')"
    )
    assert attempt(params, insert) == "ok"
    # And nothing that would change or remove history.
    for sql in (
        "UPDATE governance_auditevent SET action = 'x'",
        "DELETE FROM governance_auditevent",
        "TRUNCATE governance_auditevent",
    ):
        assert attempt(params, sql).startswith("permission denied"), sql
    for sql in (
        "ALTER TABLE governance_auditevent DISABLE TRIGGER ALL",
        "DROP TRIGGER governance_auditevent_no_truncate ON governance_auditevent",
        "DROP TABLE governance_auditevent",
    ):
        assert attempt(params, sql).startswith("must be owner"), sql
    assert AuditEvent.objects.filter(pk=event.pk, action=event.action).exists()


def test_the_app_role_must_exist_and_differ_from_the_owner():
    with pytest.raises(ImproperlyConfigured, match="does not exist"):
        database_app_role_grant(role="no_such_role_here")
    owner = connection.get_connection_params()["user"]
    with pytest.raises(ImproperlyConfigured, match="must be another one"):
        database_app_role_grant(role=owner)
    with pytest.raises(ImproperlyConfigured, match="plain role name"):
        database_app_role_grant(role='x"; DROP TABLE y; --')
