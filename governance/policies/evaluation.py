"""Which policies cover an item, with what parameters, and evaluating a revision against them.

Shared by the policy services (submit, publish, checks) and the external link checks,
which re-evaluate the revisions that use a link once it has been fetched.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from content.models import PublishableCore, Revision
from content.scope import scope_matches, scopes_of
from governance.models import ContentPolicy, ExternalLinkCheck, PolicyKind, PolicyResult
from governance.policies.document import policy_document
from governance.policies.kinds import params_clean, rule_check
from governance.policies.kinds.links import external_urls, url_hash
from outbox.services import job_enqueue

logger = logging.getLogger(__name__)

LinkUse = ExternalLinkCheck.revisions.through


def link_uses_record(*, revision: Revision, check_ids: Iterable[int]) -> None:
    """Remember that `revision` holds these links (idempotent)."""
    rows = [LinkUse(externallinkcheck_id=pk, revision_id=revision.pk) for pk in check_ids]
    if rows:
        LinkUse.objects.bulk_create(rows, ignore_conflicts=True)


def policies_applicable(*, entry: PublishableCore, snapshot: dict) -> list[ContentPolicy]:
    """The active policies whose scope covers `entry`, placed as of the revision's
    `snapshot` (its category then; a category scope covers the categories below it)."""
    policies = list(ContentPolicy.objects.filter(is_active=True).select_related("scope_page"))
    return [
        policy
        for policy, scope in zip(policies, scopes_of(policies), strict=True)
        if scope_matches(scope, entry, snapshot=snapshot)
    ]


@transaction.atomic
def policies_evaluate(
    *, entry: PublishableCore, revision: Revision, schedule_external: bool = True
) -> list[PolicyResult]:
    """Run every applicable active policy on `revision` and store one result per policy.

    Idempotent: results for the same revision are replaced, and those of policies that
    no longer apply are removed. External links are checked later, in Celery.
    """
    snapshot = revision.snapshot or {}
    policies = policies_applicable(entry=entry, snapshot=snapshot)
    document = policy_document(entry, snapshot)
    now = timezone.now()
    results = []
    for policy in policies:
        violations = [v.as_dict() for v in rule_check(policy.kind, document, policy_params(policy))]
        result, _ = PolicyResult.objects.update_or_create(
            revision=revision,
            policy=policy,
            defaults={"passed": not violations, "violations": violations, "checked_at": now},
        )
        result.policy = policy
        results.append(result)
    PolicyResult.objects.filter(revision=revision).exclude(
        policy__in=[p.pk for p in policies]
    ).delete()
    if schedule_external and any(p.kind == PolicyKind.EXTERNAL_LINKS for p in policies):
        _schedule_link_check(revision, document, policies)
    return results


def policy_params(policy: ContentPolicy) -> dict[str, Any]:
    """The policy's params with their defaults (validated on save; cleaned again here)."""
    # Cleaning again fills defaults added since the policy was saved.
    try:
        return params_clean(policy.kind, policy.params)
    except ValidationError:
        logger.warning("Policy %s has invalid params; using them as stored.", policy.pk)
        return policy.params or {}


def _schedule_link_check(revision: Revision, document: dict, policies: list[ContentPolicy]) -> None:
    """Queue a link check when a link in the revision (its policy_document) is unknown or
    due again."""
    params = [policy_params(p) for p in policies if p.kind == PolicyKind.EXTERNAL_LINKS]
    hours = min(p["recheck_after_hours"] for p in params)
    urls = {u for _, u in external_urls(document)}
    if not urls:
        return
    known = dict(
        ExternalLinkCheck.objects.filter(url_hash__in={url_hash(u) for u in urls}).values_list(
            "pk", "checked_at"
        )
    )
    # Known links are tied to this revision now; the task ties the new ones once checked.
    link_uses_record(revision=revision, check_ids=known)
    cutoff = timezone.now() - timedelta(hours=hours)
    fresh = sum(1 for checked_at in known.values() if checked_at >= cutoff)
    if fresh < len(urls):
        from governance.tasks import external_links_check_task

        job_enqueue(external_links_check_task, revision_id=revision.pk)
