"""Role grants: an Administrator gives a user or a group a role within a section.

What a grant confers and where is read by content.permissions (the authentication
backend); these services are the only writes. Only holders of the add / delete
permission on RoleGrant (the Administrator role: the matrix gives it everything) may
write, and every write is audited.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.audit import audit_record
from accounts.roles import GRANTABLE_ROLES, require_perm
from accounts.services import user_staff_sync
from content.models import RoleGrant
from content.scope import ScopeNames, scope_clean, scope_describe, scope_write

# The scope under the names the policies API gives it (content.scope.scope_clean).
GRANT_SCOPE = ScopeNames(types="content_types", page="page_subtree")
GRANT_FIELDS = ("user", "group", "role", *GRANT_SCOPE)
ADD_PERM = "content.add_rolegrant"
DELETE_PERM = "content.delete_rolegrant"
DENIED = "Only Administrators may grant roles."


def role_grant_clean(data: dict[str, Any]) -> dict[str, Any]:
    """Validate a grant: exactly one holder (a user or a group), a grantable role, and a
    scope that limits it to something (an unlimited grant is the role itself)."""
    user, group = data.get("user"), data.get("group")
    if (user is None) == (group is None):
        raise ValidationError({"user": ["Give either a user or a group (not both)."]})
    role = data.get("role")
    if role not in GRANTABLE_ROLES:
        raise ValidationError({"role": [f"Choose one of: {', '.join(GRANTABLE_ROLES)}."]})
    cleaned = scope_clean(data, GRANT_SCOPE)
    if not any(cleaned[name] for name in GRANT_SCOPE):
        raise ValidationError(
            {
                GRANT_SCOPE.types: [
                    "Limit the grant to some types, a section or a locale; "
                    "to hold the role everywhere, give the user the role itself."
                ]
            }
        )
    return {"user": user, "group": group, "role": role, **cleaned}


def _describe(grant: RoleGrant) -> dict[str, Any]:
    return {
        "user": grant.user_id,
        "group": grant.group_id,
        "role": grant.role,
        **scope_describe(grant, GRANT_SCOPE),
    }


@transaction.atomic
def role_grant_create(*, actor: Any, data: dict[str, Any]) -> RoleGrant:
    """Grant a role within a scope to a user or a group (Administrators)."""
    require_perm(actor, ADD_PERM, DENIED)
    cleaned = role_grant_clean(data)
    grant = RoleGrant(
        user=cleaned["user"], group=cleaned["group"], role=cleaned["role"], created_by=actor
    )
    scope_write(grant, cleaned, GRANT_SCOPE)
    grant.save()
    changes = _describe(grant)
    # A user given a grant works in the admin, as with a role; members of a group given one
    # are let in by their own roles (see docs/permissions.md).
    if cleaned["user"] is not None and (staff := user_staff_sync(cleaned["user"])):
        changes["is_staff"] = staff
    audit_record(actor=actor, action="role_grant.create", target=grant, changes=changes)
    return grant


@transaction.atomic
def role_grant_delete(*, actor: Any, grant: RoleGrant) -> None:
    """Withdraw a grant (Administrators). A user losing their last grant, with no role,
    leaves the admin (is_staff cleared, in the audit record); a group's grant never set
    its members' is_staff, so withdrawing it leaves them as they are."""
    require_perm(actor, DELETE_PERM, DENIED)
    changes = _describe(grant)
    # Through the queryset, so `grant` keeps its pk for the audit record.
    deleted, _ = RoleGrant.objects.filter(pk=grant.pk).delete()
    if not deleted:
        return  # withdrawn meanwhile, and audited then
    if grant.user_id is not None and (staff := user_staff_sync(grant.user)):
        changes["is_staff"] = staff
    audit_record(actor=actor, action="role_grant.delete", target=grant, changes=changes)
