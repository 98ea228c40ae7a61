"""Event: a publishable item with a start date and a venue."""

from __future__ import annotations

from django.db import models

from content.models.base import PublishableCore, core_constraints, core_indexes


class Event(PublishableCore):
    start_date = models.DateField(null=True, blank=True)
    venue = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-updated_at"]
        permissions = [
            ("publish_event", "Can publish, unpublish and schedule events"),
            ("lock_event", "Can lock events for editing and unlock anyone's"),
        ]
        indexes = core_indexes("event")
        constraints = [
            *core_constraints("event"),
            models.UniqueConstraint(
                fields=["locale", "slug"],
                condition=models.Q(deleted_at__isnull=True),
                name="event_slug_per_locale",
            ),
        ]
