"""Governance background work."""

from __future__ import annotations

from celery import shared_task

from governance.services.webhooks import webhook_deliveries_sweep, webhook_delivery_attempt


@shared_task(ignore_result=True)
def webhook_deliver_task(delivery_id: int) -> None:
    """Attempt one webhook delivery (idempotent: skipped unless pending and due)."""
    webhook_delivery_attempt(delivery_id=delivery_id)


@shared_task(ignore_result=True)
def webhook_sweep_task() -> int:
    """Every minute: send pending deliveries, including any the broker missed."""
    return webhook_deliveries_sweep()
