"""Reads for governance."""

from __future__ import annotations

from django.db.models import QuerySet

from governance.models import AuditEvent, Webhook, WebhookDelivery


def audit_event_list() -> QuerySet[AuditEvent]:
    return AuditEvent.objects.select_related("actor").order_by("-id")


def webhook_list() -> QuerySet[Webhook]:
    return Webhook.objects.order_by("name", "id")


def webhook_delivery_list(*, webhook: Webhook) -> QuerySet[WebhookDelivery]:
    return webhook.deliveries.select_related("event").order_by("-id")


def policy_results_for(entry) -> dict:
    """The policy panel of an article or page: its latest revision's stored results.

    Returns {"revision": number | None, "status": "pass" | "warn" | "block" | "overridden",
    "override": {actor, reason, created_at} | None, "results": [{"policy": {id, name, kind,
    severity}, "status", "violations": [{field, rule, message}], "checked_at"}]}. Reads only;
    results are stored whenever the item is checked (API, submit, publish, check_content).
    """
    from governance.models import PolicyResult
    from governance.services.policies import checks_summary

    revision = entry.latest_revision
    if revision is None:
        return {"revision": None, "status": "pass", "override": None, "results": []}
    results = list(
        PolicyResult.objects.filter(revision=revision, policy__is_active=True)
        .select_related("policy")
        .order_by("policy__name", "policy_id")
    )
    return checks_summary(revision, results)
