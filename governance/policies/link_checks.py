"""External link checks: fetch links with the SSRF guard and timeouts, remember the outcome.

Two ways in, both Celery tasks (governance.tasks), so no request ever waits on the network:
- `external_links_check(revision_id)`, queued when a revision is evaluated and one of its
  links is unknown or due (the policy's `recheck_after_hours`);
- `external_links_recheck()`, periodic (django-celery-beat, seeded by migration 0010):
  links that current content uses (the latest or live revision of an item not in the
  trash) and whose last check is older than POLICY_EXTERNAL_LINK_RECHECK_HOURS, oldest
  first, at most POLICY_EXTERNAL_LINK_RECHECK_BATCH a run and within a time budget.

Whenever a link's outcome changes (it starts failing, or recovers), the stored policy
results of the current revisions that use it are evaluated again, so reports, the admin
panel and `{id}/checks/` show the new state and a blocking policy refuses accordingly.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from content.models import PublishableCore, Revision
from content.types import publishable_models
from governance.models import ContentPolicy, ExternalLinkCheck, PolicyKind
from governance.policies.document import policy_document
from governance.policies.evaluation import (
    LinkUse,
    link_uses_record,
    policies_applicable,
    policies_evaluate,
    policy_params,
)
from governance.policies.kinds.links import external_urls, url_hash

logger = logging.getLogger(__name__)

# Stop starting new fetches after this long, under the task's soft time limit (300 s);
# what is left stays due and goes first next run.
RECHECK_TIME_BUDGET = 240.0


def _current_revisions(field: str) -> Q:
    """`field` is the latest or live revision of a publishable item not in the trash."""
    condition = Q()
    for model in publishable_models():
        items = model.objects.filter(deleted_at=None)
        condition |= Q(**{f"{field}__in": items.values("latest_revision")})
        condition |= Q(
            **{f"{field}__in": items.filter(live_revision__isnull=False).values("live_revision")}
        )
    return condition


def _fetch(url: str, timeout: float) -> tuple[int | None, str]:
    """(status, error) of one link through the SSRF guard; any failure means broken."""
    import urllib3

    from core import breakers
    from core.http import UnsafeTarget, head_or_get

    # One breaker per host (core.breakers): a host that is down is not asked again for each
    # of its links until the cool-down ends; its links stay broken meanwhile.
    guard = breakers.for_host("link-check", url)
    try:
        return breakers.guarded(
            guard, head_or_get, url, timeout=timeout, counts=(OSError, urllib3.exceptions.HTTPError)
        ), ""
    except breakers.CircuitBreakerError:
        return None, "Not fetched: the host failed its last checks (circuit breaker open)."
    except UnsafeTarget as exc:
        return None, "; ".join(exc.messages)[:500]
    except Exception as exc:  # any network failure or timeout means "broken"
        return None, f"{type(exc).__name__}: {exc}"[:500]


def link_check_store(
    url: str, timeout: float, *, key: str | None = None
) -> tuple[ExternalLinkCheck, bool]:
    """Fetch `url` and store the outcome; returns the check and whether `ok` changed.

    `key` is the stored url_hash when re-checking (a very long URL is stored cut short)."""
    key = key or url_hash(url)
    was_ok = ExternalLinkCheck.objects.filter(url_hash=key).values_list("ok", flat=True).first()
    status, error = _fetch(url, timeout)
    check, _ = ExternalLinkCheck.objects.update_or_create(
        url_hash=key,
        defaults={
            "url": url[:2000],
            "ok": status is not None and status < 400,
            "status_code": status,
            "error": error,
            "checked_at": timezone.now(),
        },
    )
    return check, was_ok is not None and was_ok != check.ok


def _entry_of(revision: Revision) -> PublishableCore | None:
    model = ContentType.objects.get_for_id(revision.content_type_id).model_class()
    return model.objects.filter(pk=revision.object_id).first() if model else None


def _reevaluate_users(check_ids: list[int], *, skip: int | None = None) -> int:
    """Evaluate again the current revisions that use these links; returns how many."""
    if not check_ids:
        return 0
    revisions = (
        Revision.objects.filter(_current_revisions("pk"), external_link_checks__in=check_ids)
        .exclude(pk=skip)
        .distinct()
        .order_by("pk")
    )
    count = 0
    for revision in revisions.iterator(chunk_size=200):
        entry = _entry_of(revision)
        if entry is None or entry.deleted_at is not None:
            continue
        policies_evaluate(entry=entry, revision=revision, schedule_external=False)
        count += 1
    return count


def external_links_check(*, revision_id: int) -> int:
    """Check the revision's external links that are unknown or due, store the outcome,
    and refresh the stored results of the revisions that use them. Returns how many
    links were fetched."""
    revision = Revision.objects.filter(pk=revision_id).first()
    if revision is None:
        return 0
    entry = _entry_of(revision)
    if entry is None:
        return 0
    snapshot = revision.snapshot or {}
    policies = [
        p
        for p in policies_applicable(entry=entry, snapshot=snapshot)
        if p.kind == PolicyKind.EXTERNAL_LINKS
    ]
    if not policies:
        return 0
    params = [policy_params(p) for p in policies]
    timeout = min(p["timeout"] for p in params)
    cutoff = timezone.now() - timedelta(hours=min(p["recheck_after_hours"] for p in params))
    urls = dict.fromkeys(u for _, u in external_urls(policy_document(entry, snapshot)))
    fresh = dict(
        ExternalLinkCheck.objects.filter(
            url_hash__in={url_hash(u) for u in urls}, checked_at__gte=cutoff
        ).values_list("url_hash", "pk")
    )
    used, changed, fetched = list(fresh.values()), [], 0
    for url in urls:
        if url_hash(url) in fresh:
            continue
        check, flipped = link_check_store(url, timeout)
        used.append(check.pk)
        if flipped:
            changed.append(check.pk)
        fetched += 1
    link_uses_record(revision=revision, check_ids=used)
    policies_evaluate(entry=entry, revision=revision, schedule_external=False)
    _reevaluate_users(changed, skip=revision.pk)
    return fetched


@dataclass
class LinkRecheckRun:
    checked: int = 0  # links fetched again
    changed: int = 0  # of which the outcome changed
    reevaluated: int = 0  # current revisions whose stored results were refreshed
    remaining: bool = False  # more were due than this run fetched


def external_links_recheck(
    *, now: datetime | None = None, limit: int | None = None, budget: float | None = None
) -> LinkRecheckRun:
    """Fetch again the links current content uses whose last check is older than
    POLICY_EXTERNAL_LINK_RECHECK_HOURS (oldest first, at most `limit`, within `budget`
    seconds), and re-evaluate the current revisions using any whose outcome changed."""
    run = LinkRecheckRun()
    policies = list(ContentPolicy.objects.filter(is_active=True, kind=PolicyKind.EXTERNAL_LINKS))
    if not policies:
        return run  # nothing enforces links: do not call anyone
    timeout = min(policy_params(p)["timeout"] for p in policies)
    now = now or timezone.now()
    limit = settings.POLICY_EXTERNAL_LINK_RECHECK_BATCH if limit is None else limit
    deadline = time.monotonic() + (RECHECK_TIME_BUDGET if budget is None else budget)
    cutoff = now - timedelta(hours=settings.POLICY_EXTERNAL_LINK_RECHECK_HOURS)
    in_use = LinkUse.objects.filter(externallinkcheck=OuterRef("pk")).filter(
        _current_revisions("revision_id")
    )
    due = list(
        ExternalLinkCheck.objects.filter(checked_at__lt=cutoff)
        .filter(Exists(in_use))
        .order_by("checked_at", "pk")
        .values_list("url", "url_hash")[: limit + 1]
    )
    run.remaining = len(due) > limit
    changed = []
    for url, key in due[:limit]:
        if time.monotonic() >= deadline:
            run.remaining = True
            break
        check, flipped = link_check_store(url, timeout, key=key)
        run.checked += 1
        if flipped:
            changed.append(check.pk)
    run.changed = len(changed)
    run.reevaluated = _reevaluate_users(changed)
    if run.checked:
        logger.info(
            "Re-checked %d external link(s): %d changed, %d revision(s) re-evaluated%s.",
            run.checked,
            run.changed,
            run.reevaluated,
            "; more are due" if run.remaining else "",
        )
    return run
