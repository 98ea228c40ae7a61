"""The governance issue's "done when", end to end through the API, as the people involved.

An Author's article with a banned term cannot be submitted until fixed; once submitted, a
Reviewer approves and an Editor publishes; the webhook receiver gets one signed delivery and
the audit log shows every step with the right actors; an outside reviewer approves through a
review link; verify_audit_log passes, then fails once one row is edited in SQL.
"""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client

from governance.models import AuditEvent, Webhook
from tests.assertions import assert_error
from tests.governance import workflow_fixtures
from tests.loopback import Receiver

pytestmark = pytest.mark.django_db
users = workflow_fixtures.users
client_for = workflow_fixtures.client_for


@pytest.fixture
def receiver(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    with Receiver() as r:
        yield r


def _edit_one_row_in_sql(event_id: int) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")  # past the trigger
        cursor.execute(
            "UPDATE governance_auditevent SET actor_repr = %s WHERE id = %s",
            ["someone-else@example.com", event_id],
        )
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = DEFAULT")


def test_done_when(users, client_for, receiver, django_capture_on_commit_callbacks):
    author, reviewer, editor = client_for("Author"), client_for("Reviewer"), client_for("Editor")
    admin = client_for("Administrator")
    run = django_capture_on_commit_callbacks
    with run(execute=True):
        hook = admin.post(
            "/api/v1/webhooks/",
            {"name": "Site", "url": receiver.url, "events": ["content.published"]},
            format="json",
        )
        assert hook.status_code == 201, hook.content
        secret = hook.json()["secret"]
        policy = admin.post(
            "/api/v1/governance/policies/",
            {
                "name": "No jargon",
                "kind": "banned_terms",
                "params": {"terms": ["synergy"]},
                "severity": "block",
            },
            format="json",
        )
        assert policy.status_code == 201, policy.content

    # An Author's article with a banned term cannot be submitted until fixed.
    with run(execute=True):
        created = author.post("/api/v1/articles/", {"title": "Our synergy plan"}, format="json")
    assert created.status_code == 201, created.content
    article = created.json()
    url = f"/api/v1/articles/{article['id']}/"
    with run(execute=True):
        refused = author.post(f"{url}submit/")
    [violation] = assert_error(refused, 400)["details"]["violations"]
    assert (violation["field"], violation["rule"]) == ("title", "banned_terms")
    with run(execute=True):
        fixed = author.patch(
            url, {"title": "Our plan", "version": article["version"]}, format="json"
        )
        assert fixed.status_code == 200, fixed.content
        assert author.post(f"{url}submit/").status_code == 200

    # A Reviewer approves; an Editor publishes; the receiver gets one signed delivery.
    with run(execute=True):
        assert reviewer.post(f"{url}approve/", {"message": "Clear."}).status_code == 200
        published = editor.post(f"{url}publish/")
    assert published.status_code == 200, published.content
    assert published.json()["status"] == "published"
    [(headers, body)] = receiver.requests
    signed = hmac.new(
        secret.encode(), headers["x-folio-timestamp"].encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    assert headers["x-folio-signature"] == f"sha256={signed}"
    assert json.loads(body)["data"]["id"] == article["id"]

    # The audit log shows every step with the right actors.
    steps = [
        (e.action, e.actor.email if e.actor else None)
        for e in AuditEvent.objects.filter(target_id=str(article["id"])).order_by("pk")
        if e.target_type == "content.article"
    ]
    expected = [
        ("article.create", "author@example.com"),
        ("article.update", "author@example.com"),
        ("workflow.submit", "author@example.com"),
        ("article.submit", "author@example.com"),
        ("workflow.approve", "reviewer@example.com"),
        ("article.approve", "reviewer@example.com"),
        ("article.publish", "editor@example.com"),
    ]
    assert [s for s in steps if s in expected] == expected
    assert not any(action == "workflow.bypass" for action, _ in steps)
    assert AuditEvent.objects.get(action="webhook.create").actor == users["Administrator"]
    assert AuditEvent.objects.get(action="policy.create").actor == users["Administrator"]
    assert Webhook.objects.get().deliveries.get().status == "succeeded"

    # An outside reviewer approves through a review link.
    with run(execute=True):
        second = author.post("/api/v1/articles/", {"title": "Q3 numbers"}, format="json").json()
        assert author.post(f"/api/v1/articles/{second['id']}/submit/").status_code == 200
        link = editor.post(
            "/api/v1/governance/review-links/",
            {"type": "article", "id": second["id"], "reviewer_email": "legal@example.org"},
            format="json",
        )
    assert link.status_code == 201, link.content
    path = link.json()["url"].split("testserver", 1)[1]
    outsider = Client(enforce_csrf_checks=True)
    assert "Q3 numbers" in outsider.get(path).content.decode()
    with run(execute=True):
        decided = outsider.post(
            path,
            {"name": "Lee Legal", "comment": "Fine by legal.", "decision": "approve"},
            HTTP_X_CSRFTOKEN=outsider.cookies["csrftoken"].value,
        )
    assert decided.status_code == 200, decided.content
    assert editor.get(f"/api/v1/articles/{second['id']}/").json()["status"] == "approved"
    outside = AuditEvent.objects.get(action="workflow.approve", target_id=str(second["id"]))
    assert outside.actor is None
    assert outside.metadata["external_reviewer"] == "Lee Legal"

    # verify_audit_log passes, then fails after one row is edited in SQL.
    call_command("verify_audit_log")
    tampered = AuditEvent.objects.get(action="article.publish")
    _edit_one_row_in_sql(tampered.pk)
    with pytest.raises(CommandError, match=f"event {tampered.pk}"):
        call_command("verify_audit_log")
