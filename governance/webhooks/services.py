"""Webhooks: the outbox write, signed delivery with backoff, dead-letter and redelivery."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any

import urllib3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_record
from accounts.roles import require_perm
from core import breakers
from core.http import HttpResult, UnsafeTarget, post_json, validate_public_url
from core.metrics import webhook_failed
from governance.models import DeliveryStatus, Webhook, WebhookDelivery, WebhookEvent
from governance.webhooks.models import WebhookEventType
from outbox.services import broker_send

_DENIED = "You do not have permission to manage webhooks."
logger = logging.getLogger(__name__)

WEBHOOK_FIELDS = ("name", "url", "events", "is_active")


def _validate_events(events: Iterable[str]) -> list[str]:
    events = list(dict.fromkeys(events))
    unknown = [e for e in events if e not in WebhookEventType.values]
    if unknown:
        raise ValidationError({"events": [f"Unknown event type: {', '.join(unknown)}."]})
    return events


@transaction.atomic
def webhook_create(*, actor, name: str, url: str, events: Iterable[str] = (), is_active=True):
    """Register a webhook; its URL must be a public http(s) target."""
    require_perm(actor, "governance.add_webhook", _DENIED)
    validate_public_url(url)
    webhook = Webhook.objects.create(
        name=name, url=url, events=_validate_events(events), is_active=is_active, created_by=actor
    )
    audit_record(
        actor=actor,
        action="webhook.create",
        target=webhook,
        changes={"name": name, "url": url, "events": webhook.events},
    )
    return webhook


@transaction.atomic
def webhook_update(*, actor, webhook: Webhook, data: dict[str, Any]) -> Webhook:
    """Change a webhook's name, URL, events or active flag."""
    require_perm(actor, "governance.change_webhook", _DENIED)
    if "url" in data:
        validate_public_url(data["url"])
    if "events" in data:
        data["events"] = _validate_events(data["events"])
    changes = {
        field: [getattr(webhook, field), data[field]]
        for field in WEBHOOK_FIELDS
        if field in data and getattr(webhook, field) != data[field]
    }
    for field, (_, new) in changes.items():
        setattr(webhook, field, new)
    if changes:
        webhook.save(update_fields=[*changes, "updated_at"])
        audit_record(actor=actor, action="webhook.update", target=webhook, changes=changes)
    return webhook


@transaction.atomic
def webhook_delete(*, actor, webhook: Webhook) -> None:
    """Remove a webhook and its delivery log."""
    require_perm(actor, "governance.delete_webhook", _DENIED)
    audit_record(actor=actor, action="webhook.delete", target=webhook)
    webhook.delete()


def webhook_event_emit(
    *, event_type: str, payload: dict[str, Any] | Callable[[], dict[str, Any]]
) -> WebhookEvent | None:
    """Write the event and its pending deliveries in the caller's transaction (the outbox).
    `payload` may be a function, called only when some webhook wants the event (it reads
    the item: a release publishing hundreds of them skips that with no webhook).

    Delivery is queued after commit; if the broker is unreachable the rows stay pending
    and `webhook_deliveries_sweep` sends them later.
    """
    webhooks = [w for w in Webhook.objects.filter(is_active=True) if w.wants(event_type)]
    if not webhooks:
        return None
    if callable(payload):
        payload = payload()
    event = WebhookEvent.objects.create(event_type=event_type, payload=payload)
    now = timezone.now()
    deliveries = WebhookDelivery.objects.bulk_create(
        [WebhookDelivery(webhook=w, event=event, next_attempt_at=now) for w in webhooks]
    )
    ids = [d.pk for d in deliveries]
    transaction.on_commit(lambda: _queue(ids))
    return event


class ServerError(Exception):
    """A 5xx from a webhook's host: a failure its circuit breaker counts (a 4xx is an
    answer: the host is up)."""

    def __init__(self, result: HttpResult):
        super().__init__(f"HTTP {result.status}")
        self.result = result


def _post_counting_5xx(url: str, body: bytes, headers: dict[str, str]) -> HttpResult:
    result = post_json(url, body, headers, settings.WEBHOOK_TIMEOUT)
    if result.status >= 500:
        raise ServerError(result)
    return result


def _queue(delivery_ids: Iterable[int], countdown: float = 0) -> None:
    """Send each delivery to a worker; with the broker down, `webhook_deliveries_sweep` will."""
    from governance.tasks import webhook_deliver_task  # tasks import this module

    for delivery_id in delivery_ids:
        broker_send(webhook_deliver_task, delivery_id, countdown=countdown)


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """HMAC-SHA256 over "<timestamp>.<body>", hex; receivers recompute and compare."""
    message = timestamp.encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=settings.WEBHOOK_BACKOFF_SECONDS * 2 ** max(attempts - 1, 0))


def webhook_delivery_attempt(*, delivery_id: int) -> WebhookDelivery | None:
    """Try one pending, due delivery; on failure back off, then dead-letter. Idempotent."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True)
            .select_related("webhook", "event")
            .filter(pk=delivery_id, status=DeliveryStatus.PENDING)
            .first()
        )
        if delivery is None or (
            delivery.next_attempt_at and delivery.next_attempt_at > timezone.now()
        ):
            return None
        # Claim it: push next_attempt_at out so a sweep racing us skips it while we send.
        delivery.next_attempt_at = timezone.now() + timedelta(seconds=settings.WEBHOOK_TIMEOUT * 4)
        delivery.save(update_fields=["next_attempt_at"])
    event, webhook = delivery.event, delivery.webhook
    body = json.dumps(
        {
            "id": event.pk,
            "type": event.event_type,
            "created_at": event.created_at.isoformat(),
            "data": event.payload,
        },
        separators=(",", ":"),
    ).encode()
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Folio-Webhooks/1",
        "X-Folio-Event": event.event_type,
        "X-Folio-Delivery": str(delivery.pk),
        "X-Folio-Timestamp": timestamp,
        "X-Folio-Signature": f"sha256={signature(webhook.secret, timestamp, body)}",
    }
    guard = breakers.for_host("webhook", webhook.url)
    if breakers.is_open(guard.name):
        # The host failed CIRCUIT_BREAKER_FAIL_MAX times in a row: no attempt is spent on
        # it; the delivery waits for the cool-down (the sweep or its own retry sends it).
        delivery.last_error = "Not attempted: the host's circuit breaker is open."
        wait = max(1.0, settings.CIRCUIT_BREAKER_RESET_SECONDS)
        delivery.next_attempt_at = timezone.now() + timedelta(seconds=wait)
        delivery.save(update_fields=["last_error", "next_attempt_at"])
        _queue([delivery.pk], countdown=wait)
        return delivery
    delivery.attempts += 1
    delivery.last_attempt_at = timezone.now()
    try:
        result = breakers.guarded(
            guard,
            _post_counting_5xx,
            webhook.url,
            body,
            headers,
            counts=(ServerError, OSError, urllib3.exceptions.HTTPError),
        )
        delivery.last_status_code, delivery.last_response = result.status, result.body
        delivery.last_duration_ms, delivery.last_error = result.duration_ms, ""
        ok = 200 <= result.status < 300
        if not ok:
            delivery.last_error = f"HTTP {result.status}"
    except ServerError as exc:  # a 5xx: a failed attempt, and counted by the breaker
        result = exc.result
        delivery.last_status_code, delivery.last_response = result.status, result.body
        delivery.last_duration_ms, ok = result.duration_ms, False
        delivery.last_error = f"HTTP {result.status}"
    except UnsafeTarget as exc:
        delivery.last_status_code, ok = None, False
        delivery.last_error = "; ".join(exc.messages)[:500]
    except Exception as exc:  # any transport failure is a failed attempt
        delivery.last_status_code, ok = None, False
        delivery.last_error = f"{type(exc).__name__}: {exc}"[:500]
    if not ok:
        webhook_failed(webhook.url)
    if ok:
        delivery.status, delivery.delivered_at, delivery.next_attempt_at = (
            DeliveryStatus.SUCCEEDED,
            timezone.now(),
            None,
        )
    elif delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        delivery.status, delivery.next_attempt_at = DeliveryStatus.DEAD, None
        logger.warning("webhook delivery %s dead after %s attempts", delivery.pk, delivery.attempts)
    else:
        delivery.next_attempt_at = timezone.now() + _backoff(delivery.attempts)
    delivery.save()
    if delivery.status == DeliveryStatus.PENDING:
        _queue([delivery.pk], countdown=_backoff(delivery.attempts).total_seconds())
    return delivery


@transaction.atomic
def webhook_delivery_redeliver(*, actor, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery again by hand (from dead-letter or after success); audited."""
    require_perm(actor, "governance.change_webhook", _DENIED)
    delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
    delivery.status, delivery.attempts = DeliveryStatus.PENDING, 0
    delivery.next_attempt_at = timezone.now()
    delivery.save(update_fields=["status", "attempts", "next_attempt_at"])
    audit_record(
        actor=actor,
        action="webhook.redeliver",
        target=delivery.webhook,
        metadata={"delivery": delivery.pk, "event": delivery.event_id},
    )
    transaction.on_commit(lambda: _queue([delivery.pk]))
    return delivery


def webhook_deliveries_sweep(*, limit: int = 500) -> int:
    """Attempt every pending delivery that is due; returns how many were tried."""
    due = list(
        WebhookDelivery.objects.filter(
            status=DeliveryStatus.PENDING, next_attempt_at__lte=timezone.now()
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    for delivery_id in due:
        webhook_delivery_attempt(delivery_id=delivery_id)
    return len(due)
