"""Scheduled publishing and expiry: each due item is handled exactly once.

Several workers may run `publish_scheduled` at the same moment. Each item is taken
in its own transaction with `select_for_update(skip_locked=True)` and re-checked
under the lock, so a row another worker holds is skipped and a row already handled
no longer matches. (SQLite ignores SKIP LOCKED, but serialises writers, and the
re-check under the write lock gives the same guarantee.)
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Min, Q
from django.utils import timezone

from content.models import PublishableCore, Status
from content.services.lifecycle import publish_locked, unpublish_locked
from content.services.release_publishing import releases_publish_due
from content.types import entry_type_for, publishable_models

logger = logging.getLogger(__name__)

# Work older than this counts as missed (the scheduler was down) and is logged as caught up.
LATE_AFTER = timedelta(minutes=2)
SYSTEM = None  # the scheduler acts as the system; permissions were checked when scheduling


@dataclass
class ScheduleRun:
    published: list[tuple[str, int]] = field(default_factory=list)
    expired: list[tuple[str, int]] = field(default_factory=list)
    caught_up: list[tuple[str, int]] = field(default_factory=list)
    refused: list[tuple[str, int, str]] = field(default_factory=list)
    releases: dict[str, list[int]] = field(default_factory=dict)


def _due_publish(now: datetime) -> Q:
    return Q(publish_at__lte=now, deleted_at=None) & Q(
        Q(status=Status.SCHEDULED) | Q(status=Status.PUBLISHED)
    )


def _due_expire(now: datetime) -> Q:
    return Q(expire_at__lte=now, deleted_at=None, status=Status.PUBLISHED)


def schedules_overdue(*, before: datetime) -> dict[str, tuple[int, datetime | None]]:
    """For /metrics: how many scheduled publishes and expiries were due before `before` and
    are still waiting, and the oldest one's due time (one aggregate query per model)."""
    found: dict[str, tuple[int, datetime | None]] = {}
    for action, due, column in (
        ("publish", _due_publish(before), "publish_at"),
        ("expire", _due_expire(before), "expire_at"),
    ):
        count, oldest = 0, None
        for model in dict.fromkeys(publishable_models()):
            row = model.objects.filter(due).aggregate(n=Count("pk"), oldest=Min(column))
            count += row["n"]
            if row["oldest"] is not None and (oldest is None or row["oldest"] < oldest):
                oldest = row["oldest"]
        found[action] = (count, oldest)
    return found


def _take(model: type[PublishableCore], pk: int, due: Q) -> PublishableCore | None:
    """Lock the row if it is still due and no other worker holds it."""
    return model.objects.select_for_update(skip_locked=True).filter(due, pk=pk).first()


def _note_late(run: ScheduleRun, item: PublishableCore, when: datetime, now: datetime, verb: str):
    if now - when > LATE_AFTER:
        label = entry_type_for(item).api_name
        run.caught_up.append((label, item.pk))
        logger.warning(
            "Caught up a missed %s of %s %s, due %s (%s late).",
            verb,
            label,
            item.pk,
            when.isoformat(),
            now - when,
        )


def _publish_one(model: type[PublishableCore], pk: int, now: datetime, run: ScheduleRun) -> None:
    label = entry_type_for(model).api_name
    try:
        with transaction.atomic():
            item = _take(model, pk, _due_publish(now))
            if item is None:
                return
            due = item.publish_at
            if item.expire_at is not None and item.expire_at <= now:
                # Down past both times: the window closed unseen, so never go live late.
                item.publish_at = item.expire_at = None
                if item.status == Status.SCHEDULED:
                    item.status = Status.DRAFT
                item.version += 1
                item.save(update_fields=["publish_at", "expire_at", "status", "version"])
                run.refused.append((label, pk, "publish window passed while down"))
                logger.warning("Skipped %s %s: its publish window passed while down.", label, pk)
                return
            if item.status == Status.PUBLISHED and not item.has_unpublished_changes:
                # Nothing new to publish: just consume the schedule.
                model.objects.filter(pk=pk).update(publish_at=None)
                return
            publish_locked(item, SYSTEM, scheduled=True)
            run.published.append((label, pk))
            _note_late(run, item, due, now, "publish")
    except (ValidationError, PermissionDenied) as exc:
        # A hook (workflow, policy) refused; the item stays scheduled and is retried next run.
        run.refused.append((label, pk, "; ".join(getattr(exc, "messages", [str(exc)]))))
        logger.warning("Scheduled publish of %s %s was refused: %s", label, pk, exc)


def _expire_one(model: type[PublishableCore], pk: int, now: datetime, run: ScheduleRun) -> None:
    with transaction.atomic():
        item = _take(model, pk, _due_expire(now))
        if item is None:
            return
        due = item.expire_at
        unpublish_locked(item, SYSTEM, verb="expire")
        run.expired.append((entry_type_for(model).api_name, pk))
        _note_late(run, item, due, now, "expiry")


def publish_scheduled(*, now: datetime | None = None, batch_size: int = 500) -> ScheduleRun:
    """Publish due releases and items whose publish_at has passed, and unpublish those
    whose expire_at has."""
    now = now or timezone.now()
    run = ScheduleRun()
    # Due releases first, each exactly once (content.services.release_publishing).
    run.releases = releases_publish_due(now=now)
    for model in publishable_models():
        due_ids = list(
            model.objects.filter(_due_publish(now))
            .order_by("publish_at")
            .values_list("pk", flat=True)[:batch_size]
        )
        for pk in due_ids:
            _publish_one(model, pk, now, run)
        expire_ids = list(
            model.objects.filter(_due_expire(now))
            .order_by("expire_at")
            .values_list("pk", flat=True)[:batch_size]
        )
        for pk in expire_ids:
            _expire_one(model, pk, now, run)
    if run.published or run.expired:
        logger.info(
            "Scheduler published %d and expired %d item(s); %d were late.",
            len(run.published),
            len(run.expired),
            len(run.caught_up),
        )
    return run
