"""Governance background work."""

from __future__ import annotations

from celery import shared_task

from governance.webhooks.services import webhook_deliveries_sweep, webhook_delivery_attempt


@shared_task(ignore_result=True)
def webhook_deliver_task(delivery_id: int) -> None:
    """Attempt one webhook delivery (idempotent: skipped unless pending and due)."""
    webhook_delivery_attempt(delivery_id=delivery_id)


@shared_task(ignore_result=True)
def webhook_sweep_task() -> int:
    """Every minute: send pending deliveries, including any the broker missed."""
    return webhook_deliveries_sweep()


@shared_task(ignore_result=True, soft_time_limit=300, time_limit=330)
def external_links_check_task(revision_id: int) -> int:
    """Check a revision's external links (SSRF-guarded, with timeouts) and store the outcome."""
    from governance.policies.link_checks import external_links_check

    return external_links_check(revision_id=revision_id)


@shared_task(ignore_result=True, soft_time_limit=300, time_limit=330)
def external_links_recheck_task() -> dict[str, int]:
    """Periodically: fetch again the links current content uses once their check is stale."""
    from governance.policies.link_checks import external_links_recheck

    run = external_links_recheck()
    return {"checked": run.checked, "changed": run.changed, "reevaluated": run.reevaluated}


@shared_task(ignore_result=True)
def review_digest_task() -> int:
    """Weekly: email each owner the list of their items whose review date has passed."""
    from governance.ownership.digest import review_digest_send

    return review_digest_send()


@shared_task(ignore_result=True)
def audit_anchor_task() -> int:
    """Periodically: sign the audit chain's head and write it outside the database."""
    from governance.audit.anchor import audit_anchor_write

    return audit_anchor_write().last_id
