"""Beat as a single leader (core.beat_leader): of two `celery -A config beat` processes on
one database, one schedules and the other waits as standby; kill the leader and the
standby takes over. The ordinary command, as the Helm chart and compose run it."""

from __future__ import annotations

import os
import secrets
import signal

import pytest
from kombu import Connection

from tests.integration.conftest import (
    BROKER_URL,
    Process,
    celery,
    django_shell,
    production_env,
)
from tests.waiting import wait_for

pytestmark = pytest.mark.integration
SENT = "Sending due task"

FAST_SCHEDULE = """
import json
from django_celery_beat.models import IntervalSchedule, PeriodicTask
every, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.SECONDS)
n = PeriodicTask.objects.filter(task="content.tasks.publish_scheduled_task").update(
    interval=every, crontab=None
)
print("RESULT=" + json.dumps({"updated": n}))
"""


def test_one_beat_leads_and_the_standby_takes_over_when_it_dies(
    tmp_path, processes, migrated_postgres
):
    queue = f"folio-ci-{secrets.token_hex(4)}"  # the due tasks go nowhere anyone consumes
    env = production_env(
        tmp_path,
        DATABASE_URL=migrated_postgres,
        CELERY_TASK_DEFAULT_QUEUE=queue,
        BEAT_LEADER_RETRY_SECONDS="1",
    )
    assert django_shell(FAST_SCHEDULE, env=env)["updated"] == 1
    try:
        first = Process(
            "beat 1", celery("beat", "--loglevel=INFO"), env, tmp_path / "beat1.log"
        ).start()
        first.wait_for_log("this beat leads")
        second = Process(
            "beat 2", celery("beat", "--loglevel=INFO"), env, tmp_path / "beat2.log"
        ).start()
        processes.append(second)
        second.wait_for_log("this one is standby")

        # The leader schedules every second; the standby sends nothing meanwhile.
        wait_for(lambda: first.log().count(SENT) >= 3, "the leader sends due tasks")
        assert SENT not in second.log()
        assert "this beat leads" not in second.log()

        # The leader dies without a word (its host went away): the standby takes over.
        os.killpg(first.popen.pid, signal.SIGKILL)
        first.popen.wait()
        second.wait_for_log("this beat leads", timeout=60)
        wait_for(lambda: SENT in second.log(), "the new leader sends due tasks")
    finally:
        if first.popen.poll() is None:
            first.stop()
        with Connection(BROKER_URL, connect_timeout=5) as conn:
            conn.default_channel.queue_delete(queue)
