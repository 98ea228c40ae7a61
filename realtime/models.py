"""The event log's table, where the cache is not Redis (the embedded default)."""

from __future__ import annotations

from django.db import models


class LoggedEvent(models.Model):
    """An event of one stream (realtime.log.STREAMS: "delivery" for frontends, "editors"
    for the admin), kept for the ASGI processes that read the log and, on the delivery
    stream, for clients that reconnect (realtime.log.TableLog)."""

    stream = models.CharField(max_length=20, default="delivery")
    created_at = models.DateTimeField()
    payload = models.JSONField()

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["stream", "id"], name="realtime_event_stream_id")]

    def __str__(self) -> str:
        return f"{self.stream}: {self.payload.get('event')}"
