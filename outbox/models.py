"""Jobs: side effects that must happen once their transaction commits, kept in the database.

A row is written in the same transaction as the change that needs it (a snapshot rebuild,
renditions, an email), so it commits or rolls back with it. It is sent to the broker after
commit and, until a worker has run it, sent again by the sweep: a broker outage delays the
work, never loses it.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class JobStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DONE = "done", "Done"
    DEAD = "dead", "Failed for good"


class Job(models.Model):
    task = models.CharField(max_length=200)  # a Celery task's name
    kwargs = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=8, choices=JobStatus, default=JobStatus.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    # When the sweep sends it (again), unless a worker has run it by then.
    due_at = models.DateTimeField()
    # A worker's claim: nobody else runs it before this, and the sweep leaves it alone.
    running_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(
                fields=["due_at"], condition=Q(status="pending"), name="outbox_job_pending"
            )
        ]

    def __str__(self) -> str:
        return f"{self.task} #{self.pk} ({self.status})"
