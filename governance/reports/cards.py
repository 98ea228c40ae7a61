"""The dashboard's cards: what needs the signed-in editor's attention, each a count and the
first few items with links.

- My drafts: drafts the user owns.
- My review tasks: submissions waiting for the user's decision (the review queue).
- Due for review: items whose review date has passed or comes within REVIEW_SOON, that
  the user may vouch for (its owner, or an editor who may publish it).
- Scheduled this week: items set to publish before a week from now.
- Open policy violations: failed checks on items' latest revisions.
- Webhook failures: deliveries that failed and are retrying or dead (Administrators).
- Dependencies: this web process's circuit breakers (database, cache, broker, webhook and
  link-check hosts) and their state; the count is how many are not closed (Administrators).

Every card shows only the items the user may view (section-limited roles: their
sections'). Every query is indexed, and counts stop at CARD_CAP: the dashboard stays
fast at a million items.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.timesince import timesince

from content.models import PublishableCore, Status
from content.permissions import section_q
from content.selectors import entry_api_names, entry_visible
from content.types import entry_type, entry_type_for, publishable_models
from core import breakers
from core.counting import Tally, bounded_count
from governance.reports.queries import open_violations
from governance.webhooks.models import DeliveryStatus, WebhookDelivery
from governance.workflows.selectors import review_queue_for

CARD_CAP = 1_000
CARD_ITEMS = 5
REVIEW_SOON = timedelta(days=14)
SCHEDULE_AHEAD = timedelta(days=7)
WEBHOOK_PERMISSION = "governance.view_webhookdelivery"


@dataclass(frozen=True)
class CardItem:
    title: str
    url: str | None
    meta: str = ""
    when: datetime | None = None


@dataclass(frozen=True)
class Card:
    key: str
    title: str
    count: Tally
    items: list[CardItem] = field(default_factory=list)
    empty: str = "Nothing here."
    more_url: str | None = None


def change_url(model: type, pk: Any) -> str | None:
    """The admin change form of a row, or None where the model has no admin."""
    opts = model._meta
    try:
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[pk])
    except NoReverseMatch:
        return None


def _type_model(name: str) -> type | None:
    try:
        return entry_type(name).model
    except LookupError:  # a type removed since
        return None


def _title_link(model: type | None, pk: Any) -> str | None:
    return change_url(model, pk) if model is not None else None


def _label(model: type | None) -> str:
    return capfirst(model._meta.verbose_name) if model is not None else "Item"


def _total(tallies: list[Tally]) -> Tally:
    value = sum(t.value for t in tallies)
    capped = any(t.kind != "exact" for t in tallies) or value > CARD_CAP
    return Tally(min(value, CARD_CAP), "at_least") if capped else Tally(value)


def _per_type(select, order: str, meta) -> tuple[Tally, list[CardItem]]:
    """Count and first items of `select(model)` over every type, merged by `order`."""
    tallies, firsts = [], []
    for model in publishable_models():
        items = select(model)
        if items is None:
            continue
        tally = bounded_count(items, CARD_CAP)
        tallies.append(tally)
        if tally:
            firsts.extend(
                (getattr(entry, order.lstrip("-")), entry)
                for entry in items.order_by(order, "pk")[:CARD_ITEMS]
            )
    newest_first = order.startswith("-")
    pick = heapq.nlargest if newest_first else heapq.nsmallest
    chosen = pick(CARD_ITEMS, firsts, key=lambda pair: pair[0])
    return _total(tallies), [_entry_item(entry, meta(entry), when) for when, entry in chosen]


def _entry_item(entry: PublishableCore, meta: str, when: datetime | None) -> CardItem:
    label = capfirst(entry_type_for(entry).model._meta.verbose_name)
    return CardItem(entry.title, change_url(type(entry), entry.pk), f"{label} · {meta}", when)


def _live(model: type[PublishableCore], user: Any) -> QuerySet:
    return entry_visible(model.objects.filter(deleted_at__isnull=True), user).only(
        "pk", "title", "status", "updated_at", "next_review_at", "publish_at", "owner_id"
    )


def my_drafts(user: Any) -> Card:
    count, items = _per_type(
        lambda model: _live(model, user).filter(owner=user, status=Status.DRAFT),
        "-updated_at",
        lambda entry: f"edited {timesince(entry.updated_at, depth=1)} ago",
    )
    return Card("my_drafts", "My drafts", count, items, "You have no drafts.")


def my_review_tasks(user: Any) -> Card:
    queue = review_queue_for(user)
    # A step named after its group (no name of its own) reads the group: joined, not per row.
    first = list(queue.select_related("current_step__group")[:CARD_ITEMS])
    names = entry_api_names((s.content_type_id, s.object_id) for s in first)
    items = []
    for submission in first:
        model = _type_model(names[submission.content_type_id, submission.object_id])
        step = submission.current_step
        items.append(
            CardItem(
                submission.revision.snapshot.get("title") or f"#{submission.object_id}",
                _title_link(model, submission.object_id),
                f"{_label(model)} · revision {submission.revision.number}"
                + (f" · step {step.order}. {step.name or step.group_name}" if step else ""),
                submission.created_at,
            )
        )
    count = bounded_count(queue, CARD_CAP)
    return Card("my_review_tasks", "My review tasks", count, items, "Nothing waits for you.")


def due_for_review(user: Any) -> Card:
    """Items due for review that `user` may mark reviewed: its own, and those it may publish."""
    horizon = timezone.now() + REVIEW_SOON

    def select(model):
        publish = entry_type_for(model).perm("publish")
        anyone = section_q(user, model, publish)
        items = _live(model, user).filter(next_review_at__lte=horizon)
        return items if anyone is None else items.filter(Q(owner=user) | anyone)

    now = timezone.now()
    count, items = _per_type(
        select,
        "next_review_at",
        lambda entry: (
            ("overdue since " if entry.next_review_at < now else "due ")
            + timezone.localtime(entry.next_review_at).strftime("%Y-%m-%d")
        ),
    )
    return Card("due_for_review", "Due for review", count, items, "Nothing is due for review.")


def scheduled_this_week(user: Any) -> Card:
    until = timezone.now() + SCHEDULE_AHEAD
    count, items = _per_type(
        lambda model: _live(model, user).filter(
            status=Status.SCHEDULED, publish_at__isnull=False, publish_at__lte=until
        ),
        "publish_at",
        lambda entry: (
            "publishes " + timezone.localtime(entry.publish_at).strftime("%a %Y-%m-%d %H:%M")
        ),
    )
    return Card("scheduled", "Scheduled this week", count, items, "Nothing is scheduled this week.")


def policy_violation_card(user: Any) -> Card:
    results = open_violations(viewer=user)
    newest = list(results.select_related("policy", "revision").order_by("-checked_at")[:CARD_ITEMS])
    names = entry_api_names((r.revision.content_type_id, r.revision.object_id) for r in newest)
    items = []
    for result in newest:
        ref = (result.revision.content_type_id, result.revision.object_id)
        model = _type_model(names[ref])
        items.append(
            CardItem(
                result.revision.snapshot.get("title") or f"#{ref[1]}",
                _title_link(model, ref[1]),
                f"{_label(model)} · {result.policy.name} ({result.policy.severity})",
                result.checked_at,
            )
        )
    return Card(
        "violations",
        "Open policy violations",
        bounded_count(results, CARD_CAP),
        items,
        "No open policy violations.",
    )


def webhook_failures(user: Any) -> Card | None:
    """Deliveries retrying after a failure, or dead; None for users who may not see them."""
    if not user.has_perm(WEBHOOK_PERMISSION):
        return None
    failing = WebhookDelivery.objects.filter(
        Q(status=DeliveryStatus.DEAD) | Q(status=DeliveryStatus.PENDING, attempts__gt=0)
    )
    items = [
        CardItem(
            f"{d.webhook.name}: {d.event.event_type}",
            change_url(WebhookDelivery, d.pk),
            f"{d.get_status_display()} after {d.attempts} attempt(s)"
            + (f" · {d.last_error[:80]}" if d.last_error else ""),
            d.last_attempt_at,
        )
        for d in failing.select_related("webhook", "event").order_by("-created_at")[:CARD_ITEMS]
    ]
    try:
        more = reverse("admin:governance_webhookdelivery_changelist")
    except NoReverseMatch:
        more = None
    return Card(
        "webhook_failures",
        "Webhook failures",
        bounded_count(failing, CARD_CAP),
        items,
        "Every webhook delivery went through.",
        more,
    )


def dependencies(user: Any) -> Card | None:
    """Each circuit breaker of this web process (core.breakers) and its state, open ones
    first; None for users who may not see webhook deliveries (Administrators may)."""
    if not user.has_perm(WEBHOOK_PERMISSION):
        return None
    states = sorted(breakers.snapshot(), key=lambda b: (b["state"] == "closed", b["name"]))
    items = [
        CardItem(
            b["name"],
            None,
            b["state"] + (f" · {b['failures']} failure(s) in a row" if b["failures"] else ""),
        )
        for b in states
    ]
    return Card(
        "dependencies",
        "Dependencies",
        Tally(sum(b["state"] != "closed" for b in states)),
        items,
        "No dependency has been called yet.",
    )


def dashboard_cards(user: Any) -> list[Card]:
    """The cards for `user`, in the order the dashboard shows them."""
    cards = [
        my_drafts(user),
        my_review_tasks(user),
        due_for_review(user),
        scheduled_this_week(user),
        policy_violation_card(user),
        webhook_failures(user),
        dependencies(user),
    ]
    return [card for card in cards if card is not None]
