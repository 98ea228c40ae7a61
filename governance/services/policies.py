"""Content policies: configure them, evaluate revisions, block or override transitions.

Rules live in governance.policies (one check per kind); this module decides which
policies apply to an item, stores one PolicyResult per (revision, policy), and enforces
blocking ones on submit, publish and scheduling through content's hooks (see
governance.policy_receivers). External links are fetched in Celery
(governance.services.link_checks).

Overrides: a holder of `governance.override_policy` records a PolicyOverride with a
written reason for one exact revision (API `{id}/checks/override/`, the admin, or
`ensure_policies_pass(override_reason=...)` from code). Submitting or publishing that
revision then passes; editing writes a new revision, which is checked afresh.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_record
from accounts.roles import require_perm
from content.models import Page, PublishableCore, Revision
from governance.models import (
    ContentPolicy,
    ExternalLinkCheck,
    PolicyKind,
    PolicyOverride,
    PolicyResult,
    PolicySeverity,
)
from governance.policies import params_clean, rule_check
from governance.policies.links import external_urls, url_hash
from outbox.services import job_enqueue

_DENIED = "You do not have permission to manage content policies."
logger = logging.getLogger(__name__)

OVERRIDE_PERMISSION = "governance.override_policy"
POLICY_FIELDS = (
    "name",
    "kind",
    "params",
    "severity",
    "content_types",
    "category",
    "page_subtree",
    "is_active",
)
CONTENT_TYPES = ("article", "page")


class PolicyViolationError(ValidationError):
    """Blocking policy violations; `details["violations"]` lists each one as an object."""

    def __init__(self, violations: list[dict[str, Any]]):
        super().__init__(
            {
                "policies": [
                    f"{v['field']}: {v['message']} ({v['policy']}, {v['rule']})" for v in violations
                ]
            }
        )
        self.details = {"violations": violations}


# --- Configuration ----------------------------------------------------------------------


def policy_clean(data: dict[str, Any]) -> dict[str, Any]:
    """Validate a policy's fields together: params per kind, types, one section at most."""
    data = dict(data)
    if not str(data.get("name") or "").strip():
        raise ValidationError({"name": ["Give the policy a name."]})
    data["params"] = params_clean(data.get("kind", ""), data.get("params"))
    if data.get("severity") not in PolicySeverity.values:
        raise ValidationError({"severity": ["Choose block or warn."]})
    types = data.get("content_types") or []
    if not isinstance(types, list) or set(types) - set(CONTENT_TYPES):
        raise ValidationError({"content_types": ["List some of: article, page (empty: all)."]})
    data["content_types"] = sorted(set(types))
    category, subtree = data.get("category"), data.get("page_subtree")
    if category is not None and subtree is not None:
        raise ValidationError(
            {"category": ["Scope a policy to a category or a subtree, not both."]}
        )
    if category is not None and data["content_types"] == ["page"]:
        raise ValidationError({"category": ["Pages have no category."]})
    if subtree is not None and data["content_types"] == ["article"]:
        raise ValidationError({"page_subtree": ["Articles are not in the page tree."]})
    return data


@transaction.atomic
def policy_create(*, actor: Any, data: dict[str, Any]) -> ContentPolicy:
    """Add a content policy (Administrators); params are validated for its kind."""
    require_perm(actor, "governance.add_contentpolicy", _DENIED)
    data = policy_clean({"severity": PolicySeverity.BLOCK, "is_active": True, **data})
    policy = ContentPolicy.objects.create(
        **{f: data[f] for f in POLICY_FIELDS if f in data}, created_by=actor
    )
    audit_record(
        actor=actor,
        action="policy.create",
        target=policy,
        changes=_describe(policy),
    )
    return policy


@transaction.atomic
def policy_update(*, actor: Any, policy: ContentPolicy, data: dict[str, Any]) -> ContentPolicy:
    """Change a policy; the merged fields are validated together."""
    require_perm(actor, "governance.change_contentpolicy", _DENIED)
    policy = ContentPolicy.objects.select_for_update().get(pk=policy.pk)
    before = _describe(policy)
    merged = policy_clean({f: getattr(policy, f) for f in POLICY_FIELDS} | data)
    for name in POLICY_FIELDS:
        setattr(policy, name, merged[name])
    policy.save()
    after = _describe(policy)
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    audit_record(actor=actor, action="policy.update", target=policy, changes=changes)
    return policy


@transaction.atomic
def policy_delete(*, actor: Any, policy: ContentPolicy) -> None:
    """Remove a policy and its stored results (overrides stay: they are history)."""
    require_perm(actor, "governance.delete_contentpolicy", _DENIED)
    audit_record(actor=actor, action="policy.delete", target=policy, changes=_describe(policy))
    policy.delete()


def _describe(policy: ContentPolicy) -> dict[str, Any]:
    return {
        "name": policy.name,
        "kind": policy.kind,
        "params": policy.params,
        "severity": policy.severity,
        "content_types": policy.content_types,
        "category": policy.category_id,
        "page_subtree": policy.page_subtree_id,
        "is_active": policy.is_active,
    }


# --- Evaluation -------------------------------------------------------------------------


def policy_applies(policy: ContentPolicy, entry: PublishableCore, snapshot: dict) -> bool:
    """Whether `policy` covers `entry` (its type and, if set, its section)."""
    kind = entry._meta.model_name
    if policy.content_types and kind not in policy.content_types:
        return False
    if policy.category_id is not None:
        return kind == "article" and snapshot.get("category") == policy.category_id
    if policy.page_subtree_id is not None:
        subtree = policy.page_subtree
        return isinstance(entry, Page) and entry.path.startswith(subtree.path)
    return True


def policies_applicable(*, entry: PublishableCore, snapshot: dict) -> list[ContentPolicy]:
    """The active policies that cover `entry`."""
    policies = ContentPolicy.objects.filter(is_active=True).select_related("page_subtree")
    return [p for p in policies if policy_applies(p, entry, snapshot)]


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
    now = timezone.now()
    results = []
    for policy in policies:
        violations = [v.as_dict() for v in rule_check(policy.kind, snapshot, policy_params(policy))]
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
        _schedule_link_check(revision, policies)
    return results


def policy_params(policy: ContentPolicy) -> dict[str, Any]:
    """The policy's params with their defaults (validated on save; cleaned again here)."""
    # Cleaning again fills defaults added since the policy was saved.
    try:
        return params_clean(policy.kind, policy.params)
    except ValidationError:
        logger.warning("Policy %s has invalid params; using them as stored.", policy.pk)
        return policy.params or {}


def _schedule_link_check(revision: Revision, policies: list[ContentPolicy]) -> None:
    """Queue a link check when a link in the revision is unknown or due again."""
    from governance.services.link_checks import link_uses_record

    params = [policy_params(p) for p in policies if p.kind == PolicyKind.EXTERNAL_LINKS]
    hours = min(p["recheck_after_hours"] for p in params)
    urls = {u for _, u in external_urls(revision.snapshot or {})}
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


def violations_of(results: list[PolicyResult], severity: str) -> list[dict[str, Any]]:
    """Each violation of failed results at `severity`, with its policy named."""
    return [
        {
            "policy": r.policy.name,
            "policy_id": r.policy_id,
            "severity": r.policy.severity,
            **violation,
        }
        for r in results
        if not r.passed and r.policy.severity == severity
        for violation in r.violations
    ]


def policy_override_for(revision: Revision) -> PolicyOverride | None:
    return PolicyOverride.objects.filter(revision=revision).select_related("actor").first()


def ensure_policies_pass(
    *,
    entry: PublishableCore,
    revision: Revision | None,
    actor: Any,
    override_reason: str | None = None,
    transition: str = "publish",
) -> None:
    """Refuse (400, every violation listed) while a blocking policy fails on `revision`.

    Passes when the revision was overridden, or when `override_reason` is given by an
    actor holding override_policy (the override is then stored and audited). Warnings
    never block.
    """
    if revision is None:
        return
    results = policies_evaluate(entry=entry, revision=revision)
    blocking = violations_of(results, PolicySeverity.BLOCK)
    if not blocking:
        return
    override = policy_override_for(revision)
    if override is None and override_reason and override_reason.strip():
        override = _override_record(entry, revision, actor, override_reason, blocking)
    if override is None:
        raise PolicyViolationError(blocking)
    audit_record(
        actor=actor,
        action="policy.override_applied",
        target=entry,
        metadata={"override": override.pk, "revision": revision.number, "transition": transition},
    )


def _override_record(
    entry: PublishableCore,
    revision: Revision,
    actor: Any,
    reason: str,
    blocking: list[dict[str, Any]],
) -> PolicyOverride:
    if actor is not None and not actor.has_perm(OVERRIDE_PERMISSION):
        raise PermissionDenied("Overriding content policies needs the override_policy permission.")
    override = PolicyOverride.objects.create(
        revision=revision, actor=actor, reason=reason.strip(), violations=blocking
    )
    audit_record(
        actor=actor,
        action="policy.override",
        target=entry,
        metadata={
            "override": override.pk,
            "revision": revision.number,
            "reason": override.reason,
            "violations": blocking,
        },
    )
    return override


@transaction.atomic
def policy_override_create(*, entry: PublishableCore, actor: Any, reason: str) -> PolicyOverride:
    """Let the item's latest revision through its blocking violations, with a reason."""
    if actor is not None and not actor.has_perm(OVERRIDE_PERMISSION):
        raise PermissionDenied("Overriding content policies needs the override_policy permission.")
    if not (reason or "").strip():
        raise ValidationError({"reason": ["Explain why the policies may be overridden."]})
    revision = entry.latest_revision
    if revision is None:
        raise ValidationError("This item has no revision to check yet.")
    existing = policy_override_for(revision)
    if existing is not None:
        raise ValidationError({"revision": ["This revision is already overridden."]})
    blocking = violations_of(policies_evaluate(entry=entry, revision=revision), "block")
    if not blocking:
        raise ValidationError("No blocking policy fails on this revision; nothing to override.")
    return _override_record(entry, revision, actor, reason, blocking)


def policy_checks(*, entry: PublishableCore) -> dict[str, Any]:
    """Evaluate the latest revision and describe the outcome per policy (for API/admin)."""
    revision = entry.latest_revision
    if revision is None:
        return {"revision": None, "status": "pass", "results": [], "override": None}
    results = policies_evaluate(entry=entry, revision=revision)
    return checks_summary(revision, results)


def checks_summary(revision: Revision, results: list[PolicyResult]) -> dict[str, Any]:
    """{revision, status (pass/warn/block/overridden), override, results[...]}"""
    override = policy_override_for(revision)
    rows = [
        {
            "policy": {
                "id": r.policy_id,
                "name": r.policy.name,
                "kind": r.policy.kind,
                "severity": r.policy.severity,
            },
            "status": "pass" if r.passed else r.policy.severity,
            "violations": r.violations,
            "checked_at": r.checked_at,
        }
        for r in results
    ]
    statuses = {row["status"] for row in rows}
    status = "block" if "block" in statuses else "warn" if "warn" in statuses else "pass"
    if status == "block" and override is not None:
        status = "overridden"
    return {
        "revision": revision.number,
        "status": status,
        "override": None
        if override is None
        else {
            "actor": override.actor_id,
            "reason": override.reason,
            "created_at": override.created_at,
        },
        "results": rows,
    }


# --- Whole-site check (manage.py check_content) -----------------------------------------


@dataclass
class CheckReport:
    checked: int = 0
    policies: int = 0
    blocking: int = 0
    warnings: int = 0
    overridden: int = 0
    rows: list[dict[str, Any]] = field(default_factory=list)


def policies_check_all(*, published_only: bool = False) -> CheckReport:
    """Evaluate every non-trashed item's latest revision; overridden revisions don't block."""
    from content.models import Status
    from content.types import entry_types

    report = CheckReport(policies=ContentPolicy.objects.filter(is_active=True).count())
    if not report.policies:
        return report
    for entry_type in entry_types():
        items = entry_type.model.objects.filter(deleted_at=None, latest_revision__isnull=False)
        if published_only:
            items = items.filter(status=Status.PUBLISHED)
        for entry in (
            items.select_related("latest_revision").order_by("pk").iterator(chunk_size=500)
        ):
            revision = entry.latest_revision
            results = policies_evaluate(entry=entry, revision=revision)
            report.checked += 1
            overridden = policy_override_for(revision) is not None
            for severity in (PolicySeverity.BLOCK, PolicySeverity.WARN):
                for v in violations_of(results, severity):
                    counts_as_block = severity == PolicySeverity.BLOCK and not overridden
                    if counts_as_block:
                        report.blocking += 1
                    elif severity == PolicySeverity.BLOCK:
                        report.overridden += 1
                    else:
                        report.warnings += 1
                    report.rows.append(
                        {
                            **v,
                            "severity": "block"
                            if counts_as_block
                            else ("overridden" if severity == PolicySeverity.BLOCK else "warn"),
                            "type": entry_type.api_name,
                            "id": entry.pk,
                            "revision": revision.number,
                            "title": entry.title,
                        }
                    )
    return report
