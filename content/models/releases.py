"""Releases: a named set of changes ("publish this revision of A, unpublish B") that go live
together, now or at `publish_at`, and can be reverted as a whole.

Only content.services.releases writes them. Each item names its entry generically
(content_type + object_id, like Revision), so one release mixes every publishable type.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models


class ReleaseStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SCHEDULED = "scheduled", "Scheduled"
    # Only inside the publishing transaction: a crash rolls it back to where it was.
    PUBLISHING = "publishing", "Publishing"
    PUBLISHED = "published", "Published"
    FAILED = "failed", "Failed"
    REVERTED = "reverted", "Reverted"


class ReleaseAction(models.TextChoices):
    PUBLISH = "publish", "Publish"
    UNPUBLISH = "unpublish", "Unpublish"


class Release(models.Model):
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    status = models.CharField(
        max_length=16, choices=ReleaseStatus.choices, default=ReleaseStatus.DRAFT
    )
    publish_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reverted_at = models.DateTimeField(null=True, blank=True)
    # Why the last publish or revert was refused, in a sentence (the items say which).
    failure = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "publish_at"], name="release_due")]

    def __str__(self) -> str:
        return self.name


class ReleaseItem(models.Model):
    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="items")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    entry = GenericForeignKey("content_type", "object_id")
    action = models.CharField(max_length=16, choices=ReleaseAction.choices)
    # What a publish puts live. An item added without naming a revision follows the item:
    # the release publishes its latest revision when it goes out (so fixing a blocked item
    # is just editing it), and `revision` then records what went out. Naming one pins it.
    revision = models.ForeignKey(
        "content.Revision", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    follow_latest = models.BooleanField(default=True)
    # Recorded at publish time, for the revert: the live revision before (None: not live).
    previous_revision = models.ForeignKey(
        "content.Revision", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # What refuses the item, as the lifecycle checks worded it (last validate/publish/revert).
    blockers = models.JSONField(default=list, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["release", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["release", "content_type", "object_id"], name="release_item_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.content_type.model} {self.object_id}"
