"""A real task through a real `celery worker` over the real broker (RabbitMQ in CI).

The producer and the worker are separate processes on `config.settings.production`, as the
web process and the worker are in production; nothing here runs eagerly.
"""

from __future__ import annotations

import secrets

import pytest
from kombu import Connection

from tests.integration.conftest import (
    BROKER_URL,
    Process,
    django_shell,
    production_env,
    read_emails,
    worker_args,
)

pytestmark = pytest.mark.integration

SEND_AND_WAIT = """
import json
from django_guid import set_guid
from accounts.tasks import email_send_task
set_guid({request_id!r})  # as the request that queues it would have
result = email_send_task.apply_async(
    kwargs={{"subject": {subject!r}, "body": {body!r}, "to": ["editor@example.com"]}},
    queue={queue!r},
)
print("RESULT=" + json.dumps({{"value": result.get(timeout=60), "state": result.state}}))
"""


@pytest.fixture
def queue():
    """A queue of this test's own, so stale messages of other runs never reach its worker."""
    name = f"folio-ci-{secrets.token_hex(6)}"
    yield name
    with Connection(BROKER_URL, connect_timeout=5) as conn:
        conn.default_channel.queue_delete(name)


def test_email_task_runs_on_a_real_worker_over_the_broker(tmp_path, queue, processes):
    mail_dir = tmp_path / "mail"
    env = production_env(tmp_path, EMAIL_URL=f"filemail:///{mail_dir}")
    worker = Process(
        "celery worker", worker_args(f"--queues={queue}"), env, tmp_path / "worker.log"
    ).start()
    processes.append(worker)
    worker.wait_for_log("ready.")

    marker = secrets.token_hex(8)
    subject = f"Folio integration check {marker}"
    body = f"Sent through the broker by a real worker.\nMarker: {marker}\n"
    request_id = f"ci-request-{marker}"
    result = django_shell(
        SEND_AND_WAIT.format(subject=subject, body=body, queue=queue, request_id=request_id),
        env=env,
    )

    assert result == {"value": 1, "state": "SUCCESS"}
    emails = read_emails(mail_dir)
    assert len(emails) == 1, worker.log()
    message = emails[0]
    assert f"Subject: {subject}" in message
    assert "To: editor@example.com" in message
    assert f"Marker: {marker}" in message
    assert "Task accounts.tasks.email_send_task[" in worker.log()
    assert "succeeded" in worker.log()
    # The task's log lines carry the id of the request that queued it.
    assert f"[{request_id}] celery.app.trace: Task accounts.tasks.email_send_task" in worker.log()

    # Warm shutdown: the worker finishes and exits 0 (the fixture checks it too).
    assert worker.stop() == 0
    assert "Warm shutdown" in worker.log()
