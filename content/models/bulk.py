"""Bulk work from the admin's changelists: a BulkJob runs one action over many items.

The job keeps the ids it was given (the selection, or what "all N matching this filter"
resolved to when it started), so it acts on exactly those even if the filter's results
change meanwhile. Each item goes through the same service the single-item button calls;
what a service refuses is a BulkRefusal, listed on the job's progress page.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class BulkJobStatus(models.TextChoices):
    PENDING = "pending", "Waiting to start"
    RUNNING = "running", "Running"
    FINISHED = "finished", "Finished"


class BulkJob(models.Model):
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bulk_jobs"
    )
    # The type's API name (content.types): runtime types come and go, a name stays readable.
    entry_type = models.CharField(max_length=100)
    action = models.CharField(max_length=32)
    parameters = models.JSONField(default=dict, blank=True)
    item_ids = models.JSONField(default=list)
    # The changelist's query string when the job covers "all N matching this filter".
    query = models.TextField(blank=True)
    across = models.BooleanField(default=False)
    status = models.CharField(
        max_length=16, choices=BulkJobStatus.choices, default=BulkJobStatus.PENDING
    )
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    refused = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["actor", "-created_at"], name="bulk_job_actor_recent")]

    def __str__(self) -> str:
        return f"{self.action} on {self.total} {self.entry_type} item(s) (#{self.pk})"

    @property
    def succeeded(self) -> int:
        return self.done - self.refused

    @property
    def is_finished(self) -> bool:
        return self.status == BulkJobStatus.FINISHED


class BulkRefusal(models.Model):
    """One item a job's action did not apply to, and why (the service's own words)."""

    job = models.ForeignKey(BulkJob, on_delete=models.CASCADE, related_name="refusals")
    position = models.PositiveIntegerField()
    item_id = models.BigIntegerField()
    title = models.CharField(max_length=255, blank=True)
    reasons = models.JSONField(default=list)

    class Meta:
        ordering = ["job", "position"]
        constraints = [
            models.UniqueConstraint(fields=["job", "position"], name="bulk_refusal_position")
        ]

    def __str__(self) -> str:
        return f"{self.title or self.item_id}: {'; '.join(self.reasons)}"
