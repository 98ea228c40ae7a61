"""Revision: an immutable full snapshot of a publishable item, written on every save.

Generic (content_type + object_id) so every publishable type shares one table.
`number` counts from 1 per item. Only content.services.revisions creates them;
`save()` refuses to change an existing one.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models


class ImmutableRevisionError(Exception):
    """A stored revision was about to change; history must not."""


class Revision(models.Model):
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    entry = GenericForeignKey("content_type", "object_id")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    message = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["content_type", "object_id", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "number"], name="revision_number_per_entry"
            )
        ]
        indexes = [models.Index(fields=["created_at"], name="revision_created")]

    def __str__(self) -> str:
        return f"{self.content_type.model} {self.object_id} r{self.number}"

    def save(self, *args, **kwargs):
        # Guard, not domain flow: history is append-only whatever calls save().
        if not self._state.adding:
            raise ImmutableRevisionError("Revisions are immutable; write a new one.")
        super().save(*args, **kwargs)
