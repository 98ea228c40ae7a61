"""The one Celery task every job runs through, and the sweep that resends pending jobs."""

from __future__ import annotations

from celery import shared_task

from outbox.services import job_run, jobs_sweep


@shared_task(ignore_result=True, acks_late=True)
def job_run_task(job_id: int) -> str:
    """Run one job unless it has run or another worker holds it (idempotent)."""
    return job_run(job_id=job_id)


@shared_task(ignore_result=True)
def jobs_sweep_task() -> int:
    """Every minute: send again every pending job the broker never delivered."""
    return jobs_sweep()
