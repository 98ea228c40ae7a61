"""Governance reports: stale content, overdue reviews, policy violations, publishing activity.

Shared by the API (`governance/reports/`), the admin dashboard and the weekly digest.
Each report about items takes the `viewer` it is for: a section-limited role sees only
its sections' items (content.selectors.entry_visible); None (the digest) sees all.
"""

from __future__ import annotations

import operator
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from functools import reduce
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from content.models import PublishableCore, Status
from content.selectors import entry_api_names, entry_visible
from content.types import entry_type_for, entry_types, publishable_models
from core.counting import counts_or_estimates
from governance.models import AuditEvent
from governance.policies.models import PolicyResult

# Past this many items in one status, the dashboard shows PostgreSQL's estimate.
STATUS_COUNT_CAP = 1_000


def _live_items(model: type[PublishableCore], viewer: Any) -> QuerySet:
    items = model.objects.filter(deleted_at__isnull=True).select_related("owner")
    return entry_visible(items, viewer)


def _row(entry: PublishableCore) -> dict[str, Any]:
    return {
        "type": entry_type_for(entry).api_name,
        "id": entry.pk,
        "title": entry.title,
        "status": entry.status,
        "owner": entry.owner.email if entry.owner else None,
        "updated_at": entry.updated_at,
        "next_review_at": entry.next_review_at,
    }


def stale_content(*, viewer: Any = None, limit: int = 100) -> list[dict[str, Any]]:
    """Items nobody has changed for CONTENT_STALE_AFTER_DAYS, oldest first."""
    cutoff = timezone.now() - timedelta(days=settings.CONTENT_STALE_AFTER_DAYS)
    rows = [
        _row(e)
        for model in publishable_models()
        for e in _live_items(model, viewer)
        .filter(updated_at__lt=cutoff)
        .order_by("updated_at")[:limit]
    ]
    return sorted(rows, key=lambda r: r["updated_at"])[:limit]


def overdue_reviews(*, viewer: Any = None, owner=None, limit: int = 100) -> list[dict[str, Any]]:
    """Items whose review date has passed, most overdue first (optionally one owner's)."""
    now = timezone.now()
    rows = []
    for model in publishable_models():
        qs = _live_items(model, viewer).filter(next_review_at__lt=now)
        if owner is not None:
            qs = qs.filter(owner=owner)
        rows.extend(_row(e) for e in qs.order_by("next_review_at")[:limit])
    return sorted(rows, key=lambda r: r["next_review_at"])[:limit]


def status_counts(*, viewer: Any = None, cap: int = STATUS_COUNT_CAP) -> dict[str, dict]:
    """How many live (untrashed) items of each type are in each status: exact up to `cap`,
    the planner's estimate past it (a bounded, indexed count per status, never a scan of
    every item; a type's counts in one query)."""
    return {
        entry_type.api_name: counts_or_estimates(
            {
                status: _live_items(entry_type.model, viewer).filter(status=status)
                for status in Status.values
            },
            cap,
        )
        for entry_type in entry_types()
    }


def open_violations(*, viewer: Any = None) -> QuerySet[PolicyResult]:
    """Open violations: failed results of active policies on the latest revision of items
    not in the trash that `viewer` may view (a fixed item's older revisions no longer
    count). Asked per result, through the items' indexed `latest_revision`: the failed
    results are few, the items may be a million."""
    current = [
        Exists(
            entry_visible(model.objects.filter(deleted_at__isnull=True), viewer).filter(
                latest_revision=OuterRef("revision")
            )
        )
        for model in publishable_models()
    ]
    return PolicyResult.objects.filter(
        reduce(operator.or_, current), passed=False, policy__is_active=True
    )


def policy_violations(*, viewer: Any = None, limit: int = 100) -> list[dict[str, Any]]:
    """The newest open violations (open_violations), as report rows."""
    results = (
        open_violations(viewer=viewer)
        .select_related("policy", "revision")
        .order_by("-checked_at")[:limit]
    )
    names = entry_api_names((r.revision.content_type_id, r.revision.object_id) for r in results)
    return [
        {
            "type": names[r.revision.content_type_id, r.revision.object_id],
            "id": r.revision.object_id,
            "revision": r.revision.number,
            "policy": r.policy.name,
            "severity": r.policy.severity,
            "violations": r.violations,
            "checked_at": r.checked_at,
        }
        for r in results
    ]


@dataclass(frozen=True)
class DayCount:
    day: date
    published: int


def publishing_activity(*, days: int = 30) -> list[DayCount]:
    """Publishes per day over the last `days` days, from the audit log (zero days included)."""
    today = timezone.localdate()
    start = today - timedelta(days=days - 1)
    counts = Counter(
        dict(
            AuditEvent.objects.filter(action__endswith=".publish", created_at__date__gte=start)
            .annotate(day=TruncDate("created_at"))
            .order_by()
            .values_list("day")
            .annotate(n=Count("id"))
        )
    )
    return [
        DayCount(start + timedelta(days=i), counts.get(start + timedelta(days=i), 0))
        for i in range(days)
    ]
