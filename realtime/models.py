"""The replay window's table, where the cache is not Redis (the embedded default)."""

from __future__ import annotations

from django.db import models


class DeliveryEvent(models.Model):
    """An event frontends heard, kept for clients that reconnect (realtime.log.TableLog)."""

    created_at = models.DateTimeField()
    payload = models.JSONField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.payload.get('event')} {self.payload.get('type')}-{self.payload.get('id')}"
