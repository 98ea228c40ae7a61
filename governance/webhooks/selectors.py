"""Reads of webhooks and their deliveries."""

from __future__ import annotations

from django.db.models import QuerySet

from governance.models import Webhook, WebhookDelivery


def webhook_list() -> QuerySet[Webhook]:
    return Webhook.objects.order_by("name", "id")


def webhook_delivery_list(*, webhook: Webhook) -> QuerySet[WebhookDelivery]:
    return webhook.deliveries.select_related("event").order_by("-id")
