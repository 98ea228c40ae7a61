"""The embedded default (`make run`, no environment): a real worker and beat, no broker server.

kombu's filesystem transport carries the messages through folders, so a task sent by one
process and a schedule fired by beat both run in a separate worker process, as they would
over RabbitMQ.
"""

from __future__ import annotations

import secrets

import pytest

from tests.integration.conftest import (
    Process,
    celery,
    child_env,
    django_shell,
    manage,
    wait_for_email,
    worker_args,
)

pytestmark = pytest.mark.integration

SCHEDULE = """
import json
from django_celery_beat.models import IntervalSchedule, PeriodicTask
every, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.SECONDS)
PeriodicTask.objects.create(
    name="integration check", interval=every, task="accounts.tasks.email_send_task",
    kwargs=json.dumps({{"subject": "From beat", "body": {body!r}, "to": ["ops@example.com"]}}),
)
print("RESULT=" + json.dumps({{"scheduled": PeriodicTask.objects.count()}}))
"""

SEND = """
import json
from accounts.tasks import email_send_task
from config.celery import app
result = email_send_task.delay(subject="Direct", body={body!r}, to=["editor@example.com"])
print("RESULT=" + json.dumps({{"id": result.id, "transport": app.connection().transport_cls}}))
"""


def test_worker_and_beat_run_tasks_over_the_filesystem_broker(tmp_path, processes):
    mail_dir = tmp_path / "mail"
    # No CELERY_BROKER_URL, CACHE_URL or DATABASE_URL server: only files under tmp_path.
    env = child_env(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DATABASE_URL=f"sqlite:///{tmp_path / 'folio.sqlite3'}",
        CELERY_QUEUE_DIR=str(tmp_path / "celery"),
        EMAIL_URL=f"filemail:///{mail_dir}",
    )
    manage("migrate", "--noinput", env=env, timeout=180)
    beat_marker, direct_marker = secrets.token_hex(8), secrets.token_hex(8)
    assert django_shell(SCHEDULE.format(body=f"Beat {beat_marker}"), env=env)["scheduled"] >= 1

    worker = Process("celery worker", worker_args(), env, tmp_path / "worker.log").start()
    processes.append(worker)
    worker.wait_for_log("ready.")
    assert "transport:   filesystem://" in worker.log()

    sent = django_shell(SEND.format(body=f"Direct {direct_marker}"), env=env)
    assert sent["transport"] == "filesystem"
    direct = wait_for_email(mail_dir, f"Direct {direct_marker}", timeout=30, proc=worker)
    assert "Subject: Direct" in direct
    assert f"email_send_task[{sent['id']}] succeeded" in worker.log()

    beat = Process(
        "celery beat",
        celery(
            "beat",
            "--loglevel=INFO",
            "--scheduler=django_celery_beat.schedulers:DatabaseScheduler",
        ),
        env,
        tmp_path / "beat.log",
    ).start()
    processes.append(beat)
    scheduled = wait_for_email(mail_dir, f"Beat {beat_marker}", timeout=45, proc=worker)
    assert "Subject: From beat" in scheduled
    assert "Sending due task integration check" in beat.log()
