"""Webhooks through an outbox.

A change writes a WebhookEvent and one pending WebhookDelivery per subscribed webhook in
its own transaction, so nothing is lost if the broker is down: Celery delivers after
commit, and a periodic sweep resends whatever is still pending.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models


def _new_secret() -> str:
    return secrets.token_urlsafe(32)


class WebhookEventType(models.TextChoices):
    PUBLISHED = "content.published", "Content published"
    UNPUBLISHED = "content.unpublished", "Content unpublished"
    UPDATED = "content.updated", "Content updated"
    TRASHED = "content.trashed", "Content trashed"
    RESTORED = "content.restored", "Content restored"
    MEDIA_CHANGED = "media.changed", "Media created, changed or deleted"
    RELEASE_PUBLISHED = "release.published", "Release published (before its items' events)"
    RELEASE_REVERTED = "release.reverted", "Release reverted (before its items' events)"
    PING = "webhook.ping", "Ping (test delivery)"


class Webhook(models.Model):
    name = models.CharField(max_length=100)
    url = models.URLField(max_length=500)
    # Shared with the receiver to verify X-Folio-Signature; kept to sign each delivery.
    secret = models.CharField(max_length=100, default=_new_secret)
    events = models.JSONField(
        default=list, blank=True, help_text="Event types to send; empty means all."
    )
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def wants(self, event_type: str) -> bool:
        return self.is_active and (not self.events or event_type in self.events)


class WebhookEvent(models.Model):
    """The outbox: one row per change that webhooks may hear about."""

    event_type = models.CharField(max_length=50, choices=WebhookEventType.choices)
    payload = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.event_type} #{self.pk}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SUCCEEDED = "succeeded", "Succeeded"
    DEAD = "dead", "Dead letter"


class WebhookDelivery(models.Model):
    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(WebhookEvent, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(
        max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    last_response = models.TextField(blank=True)
    last_duration_ms = models.PositiveIntegerField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.UniqueConstraint(fields=["webhook", "event"], name="delivery_once_per_event")
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="delivery_due",
                condition=models.Q(status="pending"),
            ),
            # The dashboard's "webhook failures": retrying after a failure, or dead.
            models.Index(
                fields=["-created_at"],
                name="delivery_failing",
                condition=models.Q(status="dead") | models.Q(status="pending", attempts__gt=0),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.webhook} ({self.status})"
