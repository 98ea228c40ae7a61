"""Content policies: block or override transitions, and report on revisions.

Rules live in governance.policies.kinds (one check per kind); which policies apply to an
item, and storing one PolicyResult per (revision, policy), is governance.policies.evaluation;
configuring them is governance.policies.configuration. This module enforces blocking ones
on submit, publish and scheduling as one of content's publishing guards (content.guards;
governance.policies.guard), and describes the results. External links are fetched in
Celery (governance.policies.link_checks).

Overrides: a holder of `governance.override_policy` records a PolicyOverride with a
written reason for one exact revision (API `{id}/checks/override/`, the admin, or
`ensure_policies_pass(override_reason=...)` from code). Submitting or publishing that
revision then passes; editing writes a new revision, which is checked afresh.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts.audit import audit_record
from content.models import PublishableCore, Revision
from governance.models import (
    ContentPolicy,
    PolicyOverride,
    PolicyResult,
    PolicySeverity,
)
from governance.policies.evaluation import policies_evaluate

OVERRIDE_PERMISSION = "governance.override_policy"


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


# --- Enforcement and overrides ----------------------------------------------------------


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
