"""Anchors: an emptied, shortened or rewritten audit log no longer verifies as intact."""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django_celery_beat.models import PeriodicTask

from governance.audit.services import event_hash
from governance.models import AuditEvent
from tests.governance.audit_fixtures import make_events, tamper
from tests.loopback import Receiver

pytestmark = pytest.mark.django_db
on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the triggers are PostgreSQL's"
)


@pytest.fixture
def anchor_file(settings, tmp_path):
    settings.AUDIT_ANCHOR_FILE = str(tmp_path / "anchors" / "audit-anchors.jsonl")
    return tmp_path / "anchors" / "audit-anchors.jsonl"


def anchor() -> dict:
    """Write an anchor now; what the anchor file's newest line holds."""
    call_command("anchor_audit_log", stdout=io.StringIO())
    return last_anchor_line()


def last_anchor_line() -> dict:
    return json.loads(Path(settings.AUDIT_ANCHOR_FILE).read_text().splitlines()[-1])


def verify(*args: str) -> str:
    out = io.StringIO()
    call_command("verify_audit_log", *args, stdout=out, stderr=out)
    return out.getvalue()


def test_an_anchor_records_the_head_signed_in_the_file_and_the_log(anchor_file, caplog):
    events = make_events(3)
    with caplog.at_level(logging.INFO, logger="folio.audit.anchor"):
        written = anchor()
    assert written["last_id"] == events[-1].id
    assert written["hash"] == events[-1].hash
    assert written["count"] == len(events)
    assert len(written["signature"]) == 64
    record = next(r for r in caplog.records if r.name == "folio.audit.anchor")
    assert record.audit_anchor == written
    assert f"Anchor of {written['created_at']} matches" in verify()


def test_events_appended_after_the_anchor_still_verify(anchor_file):
    make_events(2)
    anchor()
    make_events(2)
    assert "intact" in verify()


def test_an_emptied_log_is_reported(anchor_file):
    make_events(3)
    anchor()
    tamper("DELETE FROM governance_auditevent")
    with pytest.raises(CommandError, match="emptied or its newest rows deleted"):
        verify()


@on_postgres
def test_a_truncated_log_is_reported_even_past_the_trigger(anchor_file):
    make_events(3)
    anchor()
    tamper("TRUNCATE governance_auditevent")
    assert AuditEvent.objects.count() == 0
    with pytest.raises(CommandError, match="emptied or its newest rows deleted"):
        verify()


def test_deleting_the_newest_rows_is_reported(anchor_file):
    events = make_events(4)
    anchor()
    tamper("DELETE FROM governance_auditevent WHERE id >= %s", [events[-2].id])
    with pytest.raises(CommandError, match=f"event {events[-1].id} is missing"):
        verify()


def test_a_rewritten_tail_with_recomputed_hashes_is_reported(anchor_file):
    events = make_events(4)
    anchor()
    # Rewrite the last two rows and recompute their hashes: the chain itself stays valid.
    prev = events[-3].hash
    for event in events[-2:]:
        event.target_repr = "nobody@example.com"
        new_hash = event_hash(event, prev)
        tamper(
            "UPDATE governance_auditevent SET target_repr = %s, prev_hash = %s, hash = %s "
            "WHERE id = %s",
            [event.target_repr, prev, new_hash, event.id],
        )
        prev = new_hash
    with pytest.raises(CommandError, match="rewritten and their hashes recomputed"):
        verify()


def test_without_an_anchor_the_rewrite_goes_unnoticed_and_verify_says_so(anchor_file):
    make_events(2)
    output = verify()
    assert "No audit anchor found" in output
    with pytest.raises(CommandError, match="No audit anchor found"):
        verify("--require-anchor")


def test_a_forged_anchor_is_refused(anchor_file, settings):
    make_events(2)
    anchor()
    real_key = settings.AUDIT_ANCHOR_KEY
    # Someone who emptied the log appends an anchor of the empty log, without the real key.
    tamper("DELETE FROM governance_auditevent")
    settings.AUDIT_ANCHOR_KEY = "a-guessed-key"
    anchor()
    settings.AUDIT_ANCHOR_KEY = real_key
    with pytest.raises(CommandError, match="bad signature"):
        verify()


def test_anchors_are_read_from_json_logs(anchor_file, tmp_path, caplog):
    events = make_events(3)
    with caplog.at_level(logging.INFO, logger="folio.audit.anchor"):
        written = anchor()
    log = tmp_path / "folio.log"
    log.write_text(
        'not json\n{"level": "INFO", "message": "request"}\n'
        + json.dumps({"message": "audit anchor", "audit_anchor": written})
        + "\n"
    )
    assert "matches" in verify("--anchors", str(log))
    tamper("DELETE FROM governance_auditevent WHERE id = %s", [events[-1].id])
    with pytest.raises(CommandError, match="is missing"):
        verify("--anchors", str(log))
    with pytest.raises(CommandError, match="No anchor file"):
        verify("--anchors", str(tmp_path / "nowhere.jsonl"))


def test_beat_anchors_the_log_every_five_minutes(anchor_file):
    from governance.tasks import audit_anchor_task

    task = PeriodicTask.objects.get(task="governance.tasks.audit_anchor_task")
    assert task.enabled
    assert (task.interval.every, task.interval.period) == (5, "minutes")
    events = make_events(1)
    assert audit_anchor_task.delay().get() == events[-1].id
    assert last_anchor_line()["last_id"] == events[-1].id


@on_postgres
def test_postgres_refuses_truncate(anchor_file):
    make_events(1)
    cursor = connection.cursor()
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the test's own pending FK checks
    with pytest.raises(DatabaseError, match="TRUNCATE refused"), transaction.atomic():
        cursor.execute("TRUNCATE governance_auditevent")
    assert AuditEvent.objects.exists()


def test_anchors_are_posted_to_the_webhook_and_its_failure_loses_nothing(
    anchor_file, settings, caplog
):
    events = make_events(2)
    with Receiver() as receiver:
        settings.AUDIT_ANCHOR_WEBHOOK_URL = receiver.url
        written = anchor()
        assert [json.loads(r.body) for r in receiver.requests] == [written]
        assert receiver.requests[0].headers["content-type"] == "application/json"
        receiver.status = 503
        with caplog.at_level(logging.WARNING, logger="folio.audit.anchor"):
            anchor()
    assert "answered 503" in caplog.text
    # The file still got the anchor the receiver refused.
    assert last_anchor_line()["last_id"] == events[-1].id
    assert len(anchor_file.read_text().splitlines()) == 2
