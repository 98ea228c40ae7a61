"""The outbox: a job commits or rolls back with its change, runs once, retries, then dies."""

from __future__ import annotations

from datetime import timedelta

import pytest
from celery import shared_task
from django.core import mail
from django.db import transaction
from django.utils import timezone

from accounts.services import password_reset_request, user_create
from outbox.models import Job, JobStatus
from outbox.services import job_enqueue, job_run, jobs_sweep

pytestmark = pytest.mark.django_db
calls: list[dict] = []


@shared_task(name="tests.outbox.record")
def record(**kwargs):
    """A task whose every run the tests can count; fails while `fail` is in its kwargs."""
    calls.append(kwargs)
    if kwargs.get("fail"):
        raise RuntimeError("the receiving end said no")


@pytest.fixture(autouse=True)
def _calls():
    calls.clear()
    yield
    calls.clear()


def test_a_job_runs_once_its_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        job = job_enqueue(record, n=1)
        assert calls == []  # nothing before the commit
    assert calls == [{"n": 1}]
    job.refresh_from_db()
    assert (job.status, job.attempts, job.kwargs) == (JobStatus.DONE, 1, {})


def _change_that_fails_after_its_job() -> None:
    with transaction.atomic():
        job_enqueue(record, n=1)
        raise ZeroDivisionError


def test_a_rolled_back_change_leaves_no_job_and_no_effect(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ZeroDivisionError):
        _change_that_fails_after_its_job()
    assert not Job.objects.exists()
    assert calls == []


def test_a_job_delivered_twice_runs_once():
    job = job_enqueue(record, n=2)  # in the test's transaction: not sent yet
    assert job_run(job_id=job.pk) == "done"
    assert job_run(job_id=job.pk) == "skipped"
    assert calls == [{"n": 2}]


def test_a_job_another_worker_holds_is_neither_run_nor_resent():
    job = job_enqueue(record, n=3)
    Job.objects.filter(pk=job.pk).update(
        running_until=timezone.now() + timedelta(minutes=5), due_at=timezone.now()
    )
    assert job_run(job_id=job.pk) == "skipped"
    assert jobs_sweep() == 0
    assert calls == []


def test_the_sweep_sends_what_never_arrived_and_only_when_due(settings):
    job = job_enqueue(record, n=4)  # its message was lost: it sits pending
    assert jobs_sweep() == 0  # not due yet: the original message may still arrive
    Job.objects.filter(pk=job.pk).update(due_at=timezone.now() - timedelta(seconds=1))
    assert jobs_sweep() == 1  # eager here: sent and run at once
    assert calls == [{"n": 4}]
    assert jobs_sweep() == 0


def test_a_failing_job_backs_off_then_is_kept_as_dead(settings):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    job = job_enqueue(record, fail=True)
    assert job_run(job_id=job.pk) == "retry"
    job.refresh_from_db()
    assert job.status == JobStatus.PENDING
    assert job.due_at > timezone.now()  # the backoff
    assert "the receiving end said no" in job.last_error
    assert jobs_sweep() == 0  # waits for its backoff
    assert job_run(job_id=job.pk) == "dead"
    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.DEAD, 2)
    assert job.kwargs == {"fail": True}  # kept, for whoever looks into it
    assert job_run(job_id=job.pk) == "skipped"


def test_finished_jobs_are_dropped_after_a_week(settings):
    old = job_enqueue(record, n=5)
    job_run(job_id=old.pk)
    Job.objects.filter(pk=old.pk).update(finished_at=timezone.now() - timedelta(days=8))
    recent = job_enqueue(record, n=6)
    job_run(job_id=recent.pk)
    jobs_sweep()
    assert list(Job.objects.values_list("pk", flat=True)) == [recent.pk]


def test_a_password_reset_email_is_a_job(django_capture_on_commit_callbacks):
    user_create(actor=None, email="sam@example.com", password="a-long-passphrase-42")
    with django_capture_on_commit_callbacks(execute=True):
        password_reset_request(email="sam@example.com")
    job = Job.objects.get(task="accounts.tasks.email_send_task")
    assert job.status == JobStatus.DONE
    assert [m.to for m in mail.outbox] == [["sam@example.com"]]
