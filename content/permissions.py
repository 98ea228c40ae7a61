"""Section-limited roles: the authentication backend that reads role grants.

An Administrator grants a user or a group a role within a scope (content.RoleGrant,
content.services.grants). Django asks every backend in AUTHENTICATION_BACKENDS, and
`ScopedRoleBackend` answers for the grants, the way ModelBackend answers for the roles:

- `user.has_perm(perm)` (no object) is True when a grant confers `perm` anywhere: a
  section's editor reaches the lists, the changelists and the create form;
- `user.has_perm(perm, entry)` for an item of a registered type is True when the user
  holds `perm` globally (ModelBackend's answer, which ignores objects) or a grant that
  confers it and whose scope covers the item (content.scope.scope_matches).

So content's rules (content.services.rules) ask about the item and get the section's
limit from this one place; lists filter with `section_q` (indexed lookups, one OR).
What a grant of a role confers is accounts.roles.grant_permissions. A user's grants
are read once per user object (one query, plus one per level of category nesting),
like ModelBackend's `_perm_cache`: a request sees the grants as they were when it began.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from functools import reduce
from typing import Any

from django.contrib.auth.backends import BaseBackend, ModelBackend
from django.db.models import Model, Q

from accounts.roles import grant_permissions
from content.models import PublishableCore, RoleGrant
from content.scope import NOTHING, Scope, scope_matches, scope_q, scopes_of

CACHE_ATTRIBUTE = "_role_grant_cache"
_model_backend = ModelBackend()


@dataclass(frozen=True)
class HeldGrant:
    """One grant as the backend uses it: its role, what it confers, where."""

    role: str
    perms: frozenset[str]
    scope: Scope


def _active(user: Any) -> bool:
    return bool(user is not None and user.is_active and not user.is_anonymous)


def grants_of(user: Any) -> tuple[HeldGrant, ...]:
    """The user's grants, held directly or through a group; read once per user object."""
    cached = getattr(user, CACHE_ATTRIBUTE, None)
    if cached is not None:
        return cached
    held: tuple[HeldGrant, ...] = ()
    if _active(user):
        rows = list(
            RoleGrant.objects.filter(
                Q(user=user) | Q(group__in=user.groups.values("pk"))
            ).select_related("scope_page")
        )
        held = tuple(
            HeldGrant(row.role, grant_permissions(row.role), scope)
            for row, scope in zip(rows, scopes_of(rows), strict=True)
        )
    setattr(user, CACHE_ATTRIBUTE, held)
    return held


def holds_globally(user: Any, perm: str) -> bool:
    """`perm` through the user's roles (or as a superuser), wherever the item is."""
    return _active(user) and (user.is_superuser or _model_backend.has_perm(user, perm))


def grants_q(user: Any, model: type[Model], keep: Callable[[HeldGrant], bool]) -> Q:
    """The items of `model` in the scopes of the user's grants that `keep` accepts: the OR
    of those scopes (indexed lookups; matches nothing without one)."""
    parts = []
    for scope in _merged(grant.scope for grant in grants_of(user) if keep(grant)):
        q = scope_q(scope, model)
        if not q:
            # Every item of the model (a grant limited to types only). Said here, since
            # Q() | other is `other` to Django: OR-ed in, it would be lost.
            return Q()
        if q != NOTHING:
            parts.append(q)
    return reduce(operator.or_, parts) if parts else Q(pk__in=[])


def section_q(user: Any, model: type[Model], perm: str) -> Q | None:
    """The items of `model` on which `user` holds `perm`: None when it holds everywhere,
    else the OR of the scopes of its grants that confer `perm`."""
    if holds_globally(user, perm):
        return None
    return grants_q(user, model, lambda grant: perm in grant.perms)


def _merged(scopes: Iterable[Scope]) -> list[Scope]:
    """Category scopes that differ only in their category, as one: a user with many such
    grants is filtered by one `category_id IN (...)`, not an OR per grant."""
    merged: dict[tuple[frozenset[str], int | None], Scope] = {}
    others = []
    for scope in scopes:
        if scope.category_id is None:
            others.append(scope)
            continue
        key = (scope.types, scope.locale_id)
        found = merged.get(key)
        merged[key] = (
            scope
            if found is None
            else replace(found, categories=found.categories | scope.categories)
        )
    return [*others, *merged.values()]


class ScopedRoleBackend(BaseBackend):
    """Answers `has_perm` for role grants (see the module's docstring); authenticates no one."""

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        if not _active(user_obj):
            return False
        if obj is None:
            return any(perm in grant.perms for grant in grants_of(user_obj))
        if not isinstance(obj, PublishableCore):
            return False  # what has no section is answered by the roles alone
        if holds_globally(user_obj, perm):
            return True
        return any(
            perm in grant.perms and scope_matches(grant.scope, obj) for grant in grants_of(user_obj)
        )

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        prefix = f"{app_label}."
        return _active(user_obj) and any(
            perm.startswith(prefix) for grant in grants_of(user_obj) for perm in grant.perms
        )

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not _active(user_obj) or (obj is not None and not isinstance(obj, PublishableCore)):
            return set()
        held = grants_of(user_obj)
        if obj is None:
            return {perm for grant in held for perm in grant.perms}
        found = {perm for grant in held if scope_matches(grant.scope, obj) for perm in grant.perms}
        return found | _model_backend.get_all_permissions(user_obj)
