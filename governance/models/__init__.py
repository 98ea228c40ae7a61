"""Governance models, split by subdomain. Import from here."""

from __future__ import annotations

from governance.models.audit import AppendOnlyError, AuditEvent
from governance.models.webhooks import (
    DeliveryStatus,
    Webhook,
    WebhookDelivery,
    WebhookEvent,
)

__all__ = [
    "AppendOnlyError",
    "AuditEvent",
    "DeliveryStatus",
    "Webhook",
    "WebhookDelivery",
    "WebhookEvent",
]
