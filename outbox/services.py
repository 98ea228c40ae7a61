"""The durable path for side effects: enqueue in the transaction, send after commit, resend
until a worker has run it, run each job once.

- `job_enqueue(task, **kwargs)` writes a Job in the caller's transaction. After commit it is
  handed to the broker from a background thread (`broker_send`, which webhook deliveries
  use too), so a request never waits on a slow or stopped broker, and a committed write
  answers as fast as ever.
- A worker runs it through `job_run`, which claims the row first: a job sent twice (by the
  sweep and the original message, say) runs once. A failure is retried with backoff, then
  kept as dead for an operator to look at.
- `jobs_sweep` (beat, every minute) sends again every pending job whose message never
  arrived: the broker was down, the process died before sending, the broker lost it.

Effects are at least once in one case only: a worker that dies after the effect and before
marking the job done. Tasks are written to tolerate that (rebuilds and renditions are
idempotent; an email would go out twice).
"""

from __future__ import annotations

import logging
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django_guid import clear_guid, get_guid, set_guid

from core import breakers
from core.outages import Outage
from core.tracing import in_current_trace
from outbox.models import Job, JobStatus

logger = logging.getLogger(__name__)
broker_outage = Outage("Celery broker")
_sender: dict[str, Any] = {"pid": None, "pool": None}
_sender_lock = threading.Lock()


def job_enqueue(task: Any, *, countdown: float = 0, **kwargs: Any) -> Job:
    """Have `task(**kwargs)` run once the caller's transaction commits, however the broker is
    (`countdown` seconds after the commit at the earliest)."""
    from outbox.tasks import job_run_task

    due = timezone.now() + timedelta(seconds=settings.OUTBOX_RESEND_SECONDS + countdown)
    job = Job.objects.create(task=task.name, kwargs=kwargs, due_at=due)
    transaction.on_commit(lambda: broker_send(job_run_task, job.pk, countdown=countdown))
    return job


def _send(task: Any, args: tuple[Any, ...], countdown: float) -> None:
    if task.app.conf.task_always_eager:
        task.apply_async(args, countdown=countdown)  # runs it now, in this thread
        return

    def send() -> None:
        with task.app.pool.acquire(block=True, timeout=10) as connection:
            # One attempt, not kombu's reconnect loop: a send that would wait for the broker
            # to come back is lost with the process, while the row's sweep never is.
            connection.ensure_connection(max_retries=0)
            task.apply_async(args, countdown=countdown, retry=False, connection=connection)

    try:
        # Behind the broker's breaker (core.breakers): while it is open, nothing is tried.
        breakers.guarded(breakers.breaker("broker"), send)
    except Exception as exc:  # any broker trouble: the row is safe, a sweep resends it
        broker_outage.failed(exc)
    else:
        broker_outage.recovered()


def broker_send(task: Any, *args: Any, countdown: float = 0) -> None:
    """Hand a task for a row that is already saved (a job, a webhook delivery) to the broker,
    from a background thread: the caller never waits on a slow or stopped broker, and if the
    send fails, the outage is logged once and the row's sweep sends it later."""
    if task.app.conf.task_always_eager:
        _send(task, args, countdown)
        return
    with _sender_lock:
        if _sender["pid"] != os.getpid():  # a forked web worker needs its own thread
            _sender.update(pid=os.getpid(), pool=ThreadPoolExecutor(1, "broker-send"))
        pool = _sender["pool"]
    pool.submit(_as_caller(_send), task, args, countdown)


def _as_caller(function: Any) -> Any:
    """`function`, to run in the sender's thread under the caller's request id and trace
    (a thread pool carries no context along): the message then carries both on, so the
    worker logs, and traces, the task as part of the request that queued it."""
    request_id, traced = get_guid(), in_current_trace(function)

    def run(*args: Any) -> Any:
        set_guid(request_id)
        try:
            return traced(*args)
        finally:
            clear_guid()

    return run


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=settings.OUTBOX_BACKOFF_SECONDS * 2 ** max(attempts - 1, 0))


def job_run(*, job_id: int) -> str:
    """Run a pending job unless another worker holds it; record done, retry or dead."""
    now = timezone.now()
    lease = now + timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
    free = Q(running_until__isnull=True) | Q(running_until__lt=now)
    # The sweep resends a failed job once its backoff has passed.
    claimed = Job.objects.filter(free, pk=job_id, status=JobStatus.PENDING).update(
        running_until=lease, due_at=lease, attempts=F("attempts") + 1
    )
    if not claimed:
        return "skipped"  # done already, dead, or running elsewhere
    job = Job.objects.get(pk=job_id)
    try:
        current_app.tasks[job.task].run(**job.kwargs)
    except Exception as exc:
        dead = job.attempts >= settings.OUTBOX_MAX_ATTEMPTS
        logger.exception("job %s (%s) failed, attempt %s", job.pk, job.task, job.attempts)
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.DEAD if dead else JobStatus.PENDING,
            running_until=None,
            due_at=timezone.now() + _backoff(job.attempts),
            finished_at=timezone.now() if dead else None,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
        )
        return "dead" if dead else "retry"
    # Done: its arguments may hold personal data or a reset link; nothing needs them now.
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.DONE, running_until=None, finished_at=timezone.now(), kwargs={}
    )
    return "done"


def jobs_sweep(*, limit: int = 500) -> int:
    """Send again each pending job that is due and held by nobody; drop old finished ones."""
    now = timezone.now()
    free = Q(running_until__isnull=True) | Q(running_until__lt=now)
    due = list(
        Job.objects.filter(free, status=JobStatus.PENDING, due_at__lte=now)
        .order_by("due_at")
        .values_list("pk", flat=True)[:limit]
    )
    if due:
        resend = now + timedelta(seconds=settings.OUTBOX_RESEND_SECONDS)
        Job.objects.filter(pk__in=due).update(due_at=resend)
        from outbox.tasks import job_run_task

        for job_id in due:
            _send(job_run_task, (job_id,), 0)
    kept = now - timedelta(days=settings.OUTBOX_KEEP_DONE_DAYS)
    Job.objects.filter(status=JobStatus.DONE, finished_at__lt=kept).delete()
    return len(due)
