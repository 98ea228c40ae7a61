"""Content policies' configuration (Administrators): create, change and delete policies.

A policy's params are validated for its kind (governance.policies.kinds) and its scope by
content.scope, together, through `policy_clean`, which the admin form calls too.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.audit import audit_changes, audit_record
from accounts.roles import require_perm
from content.scope import (
    ScopeNames,
    scope_clean,
    scope_describe,
    scope_read,
    scope_write,
)
from governance.models import ContentPolicy, PolicySeverity
from governance.policies.kinds import params_clean

_DENIED = "You do not have permission to manage content policies."

# The API and the admin form name the scope's parts as they did before content.scope.
POLICY_SCOPE = ScopeNames(types="content_types", page="page_subtree")
PLAIN_FIELDS = ("name", "kind", "params", "severity", "is_active")
POLICY_FIELDS = (*PLAIN_FIELDS, *POLICY_SCOPE)


def policy_clean(data: dict[str, Any]) -> dict[str, Any]:
    """Validate a policy's fields together: params per kind, and its scope (scope_clean)."""
    data = dict(data)
    if not str(data.get("name") or "").strip():
        raise ValidationError({"name": ["Give the policy a name."]})
    data["params"] = params_clean(data.get("kind", ""), data.get("params"))
    if data.get("severity") not in PolicySeverity.values:
        raise ValidationError({"severity": ["Choose block or warn."]})
    return data | scope_clean(data, POLICY_SCOPE)


@transaction.atomic
def policy_create(*, actor: Any, data: dict[str, Any]) -> ContentPolicy:
    """Add a content policy (Administrators); params are validated for its kind."""
    require_perm(actor, "governance.add_contentpolicy", _DENIED)
    data = policy_clean({"severity": PolicySeverity.BLOCK, "is_active": True, **data})
    policy = ContentPolicy(**{f: data[f] for f in PLAIN_FIELDS if f in data}, created_by=actor)
    scope_write(policy, data, POLICY_SCOPE)
    policy.save()
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
    stored = {f: getattr(policy, f) for f in PLAIN_FIELDS} | scope_read(policy, POLICY_SCOPE)
    merged = policy_clean(stored | data)
    for name in PLAIN_FIELDS:
        setattr(policy, name, merged[name])
    scope_write(policy, merged, POLICY_SCOPE)
    policy.save()
    after = _describe(policy)
    changes = audit_changes(before, after)
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
        **scope_describe(policy, POLICY_SCOPE),
        "is_active": policy.is_active,
    }
