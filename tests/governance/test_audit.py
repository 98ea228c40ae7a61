"""The audit log: every action lands in it, nobody can change it, and tampering is caught."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.utils import DatabaseError
from rest_framework.test import APIClient

from accounts.models import User
from accounts.services import user_create
from governance.models import AppendOnlyError, AuditEvent
from tests.governance.audit_fixtures import make_events, tamper

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-passphrase-42"


@pytest.fixture
def admin_user():
    return user_create(
        actor=None, email="root@example.com", password=PASSWORD, roles=["Administrator"]
    )


@pytest.fixture
def admin_api(admin_user):
    client = APIClient()
    client.force_authenticate(admin_user)
    return client


def test_api_action_is_recorded_with_actor_ip_and_request_id(admin_api, admin_user):
    response = admin_api.post(
        "/api/v1/users/",
        {"email": "sam@example.com", "password": PASSWORD, "roles": ["Author"]},
        HTTP_X_REQUEST_ID="req-123",
        REMOTE_ADDR="203.0.113.9",
    )
    assert response.status_code == 201
    event = AuditEvent.objects.get(action="user.create", target_id=str(response.json()["id"]))
    assert event.actor == admin_user
    assert event.actor_repr == "root@example.com"
    assert event.target_type == "accounts.user"
    assert event.changes["roles"] == ["Author"]
    assert event.ip == "203.0.113.9"
    assert event.request_id == "req-123"


def test_logins_failed_logins_and_logouts_are_recorded(admin_user):
    client = APIClient()
    bad = client.post("/api/v1/auth/token/", {"email": admin_user.email, "password": "nope"})
    assert bad.status_code == 401
    good = client.post("/api/v1/auth/token/", {"email": admin_user.email, "password": PASSWORD})
    assert good.status_code == 200
    out = client.post("/api/v1/auth/logout/", {"refresh": good.json()["refresh"]})
    assert out.status_code == 204
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions[-3:] == ["auth.login_failed", "auth.login", "auth.logout"]
    failed = AuditEvent.objects.get(action="auth.login_failed")
    assert failed.metadata == {"email": admin_user.email, "factor": "password"}
    assert PASSWORD not in json.dumps(failed.metadata)


def test_admin_sign_ins_failures_and_sign_outs_are_recorded(admin_user):
    from django.test import Client

    client = Client(REMOTE_ADDR="198.51.100.7")
    form = {"username": admin_user.email, "next": "/admin/"}
    refused = client.post("/admin/login/", {**form, "password": "wrong"})
    assert refused.status_code == 200  # the form again, with an error
    assert client.post("/admin/login/", {**form, "password": PASSWORD}).status_code == 302
    assert client.post("/admin/logout/").status_code in (200, 302)
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions[-3:] == ["auth.login_failed", "auth.login", "auth.logout"]
    login = AuditEvent.objects.get(action="auth.login")
    assert (login.actor, login.ip) == (admin_user, "198.51.100.7")


def test_orm_refuses_updates_and_deletes(admin_user):
    event = AuditEvent.objects.latest("id")
    event.action = "forged"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="forged")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "user.create"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
@pytest.mark.parametrize(
    "sql", ["UPDATE governance_auditevent SET action = 'x'", "DELETE FROM governance_auditevent"]
)
def test_postgres_trigger_refuses_raw_sql(admin_user, sql):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        connection.cursor().execute(sql)
    assert AuditEvent.objects.filter(action="user.create").exists()


def test_verify_passes_on_an_intact_log(capsys):
    make_events(3)
    call_command("verify_audit_log")
    assert "intact: 3 event(s)" in capsys.readouterr().out


def test_verify_reports_the_first_edited_row():
    events = make_events(4)
    tamper(
        "UPDATE governance_auditevent SET target_repr = %s WHERE id = %s",
        ["someone-else@example.com", events[2].id],
    )
    with pytest.raises(CommandError, match=f"event {events[2].id} its content does not match"):
        call_command("verify_audit_log")


def test_verify_reports_a_deleted_row():
    events = make_events(4)
    tamper("DELETE FROM governance_auditevent WHERE id = %s", [events[1].id])
    with pytest.raises(CommandError, match=f"event {events[2].id} does not follow"):
        call_command("verify_audit_log")


def test_verify_reports_reordered_rows():
    events = make_events(3)
    a, b = events[0], events[1]
    # Swap the two rows' ids through a free id, as someone reordering history would.
    tamper("UPDATE governance_auditevent SET id = %s WHERE id = %s", [-1, a.id])
    tamper("UPDATE governance_auditevent SET id = %s WHERE id = %s", [a.id, b.id])
    tamper("UPDATE governance_auditevent SET id = %s WHERE id = %s", [b.id, -1])
    with pytest.raises(CommandError, match="TAMPERED"):
        call_command("verify_audit_log")


def test_api_lists_and_filters_events_for_administrators_only(admin_api, admin_user):
    user_create(actor=admin_user, email="ed@example.com", password=PASSWORD, roles=["Editor"])
    response = admin_api.get("/api/v1/governance/audit-events/", {"action": "user.create"})
    assert response.status_code == 200
    body = response.json()
    assert {e["action"] for e in body["results"]} == {"user.create"}
    assert body["results"][0]["target_repr"] == "ed@example.com"

    editor = APIClient()
    editor.force_authenticate(User.objects.get(email="ed@example.com"))
    denied = editor.get("/api/v1/governance/audit-events/")
    assert denied.status_code == 403
    assert denied.json()["error"]["code"] == "permission_denied"
    assert APIClient().get("/api/v1/governance/audit-events/").status_code == 401


def test_api_exports_csv_and_jsonl(admin_api):
    newest = make_events(2)[-1]
    csv_response = admin_api.get("/api/v1/governance/audit-events/export/", {"as": "csv"})
    assert csv_response.status_code == 200
    assert csv_response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(csv_response.streaming_content).decode())))
    assert [r["action"] for r in rows][-2:] == ["user.create", "user.create"]

    jsonl = admin_api.get(
        "/api/v1/governance/audit-events/export/", {"as": "jsonl", "action": "user.create"}
    )
    lines = b"".join(jsonl.streaming_content).decode().splitlines()
    assert len(lines) == 3  # the admin fixture and the two above
    assert json.loads(lines[-1])["target_repr"] == newest.target_repr

    bad = admin_api.get("/api/v1/governance/audit-events/export/", {"as": "xml"})
    assert bad.status_code == 400
    assert "as" in bad.json()["error"]["details"]


def test_admin_audit_log_is_read_only(client, admin_user):
    client.force_login(admin_user)
    changelist = client.get("/admin/governance/auditevent/")
    assert changelist.status_code == 200
    assert b"user.create" in changelist.content
    event = AuditEvent.objects.latest("id")
    assert client.get("/admin/governance/auditevent/add/").status_code == 403
    detail = client.post(f"/admin/governance/auditevent/{event.pk}/change/", {"action": "forged"})
    assert detail.status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).action == event.action
