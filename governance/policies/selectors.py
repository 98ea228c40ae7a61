"""Reads of content policies: the policy panel's state."""

from __future__ import annotations


def policy_results_for(entry) -> dict:
    """The policy panel of an article or page: its latest revision's stored results.

    Returns {"revision": number | None, "status": "pass" | "warn" | "block" | "overridden",
    "override": {actor, reason, created_at} | None, "results": [{"policy": {id, name, kind,
    severity}, "status", "violations": [{field, rule, message}], "checked_at"}],
    "applicable": [names of the active policies that cover the item now],
    "unchecked": [those of them with no stored result for this revision]}. Reads only;
    results are stored whenever the item is checked (API, submit, publish, check_content).
    A check stores nothing when no policy applies, so "applicable" is what tells "nothing
    to check" apart from "not checked yet".
    """
    from governance.models import PolicyResult
    from governance.policies.evaluation import policies_applicable
    from governance.policies.services import checks_summary

    revision = entry.latest_revision
    if revision is None:
        return {
            "revision": None,
            "status": "pass",
            "override": None,
            "results": [],
            "applicable": [],
            "unchecked": [],
        }
    results = list(
        PolicyResult.objects.filter(revision=revision, policy__is_active=True)
        .select_related("policy")
        .order_by("policy__name", "policy_id")
    )
    applicable = sorted(
        policies_applicable(entry=entry, snapshot=revision.snapshot or {}),
        key=lambda p: (p.name, p.pk),
    )
    stored = {r.policy_id for r in results}
    return {
        **checks_summary(revision, results),
        "applicable": [p.name for p in applicable],
        "unchecked": [p.name for p in applicable if p.pk not in stored],
    }
