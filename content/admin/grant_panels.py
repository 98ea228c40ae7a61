"""The role grants a user or a group holds, on their admin pages.

Accounts' user and group admins show what apps above it register (accounts.extensions);
ContentConfig.ready() registers these two panels. They only read: each grant links to its
own admin page, and the links to add or withdraw one are offered to those whose
permissions the grant services would accept (Administrators), which decide again.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.models import Group
from django.urls import reverse

from content.admin.scope import scope_label
from content.models import RoleGrant
from content.selectors import role_grants_held
from content.services.grants import ADD_PERM, DELETE_PERM

VIEW_PERM = "content.view_rolegrant"
TEMPLATE = "admin/content/panels/role_grants.html"


def _row(grant: RoleGrant, *, on_user_page: bool, may_delete: bool) -> dict[str, Any]:
    # On a user's page, a grant through a group is the group's, withdrawn on its page.
    through = on_user_page and grant.group_id is not None
    return {
        "grant": grant,
        "within": scope_label(grant, empty="Everything"),
        "url": reverse("admin:content_rolegrant_change", args=[grant.pk]),
        "through_url": reverse("admin:auth_group_change", args=[grant.group_id])
        if through
        else None,
        "delete_url": reverse("admin:content_rolegrant_delete", args=[grant.pk])
        if may_delete and not through
        else None,
    }


def _panel(request: Any, holder: Any, *, field: str, noun: str) -> dict[str, Any] | None:
    actor = request.user
    if not actor.has_perm(VIEW_PERM):
        return None
    may_delete = actor.has_perm(DELETE_PERM)
    add_url = None
    if actor.has_perm(ADD_PERM):
        add_url = f"{reverse('admin:content_rolegrant_add')}?{urlencode({field: holder.pk})}"
    return {
        "template": TEMPLATE,
        "noun": noun,
        "rows": [
            _row(grant, on_user_page=field == "user", may_delete=may_delete)
            for grant in role_grants_held(holder)
        ],
        "add_url": add_url,
    }


def user_grants_panel(request: Any, user: Any) -> dict[str, Any] | None:
    """The user's grants, direct and through their groups (None: may not view grants)."""
    return _panel(request, user, field="user", noun="user")


def group_grants_panel(request: Any, group: Group) -> dict[str, Any] | None:
    """The grants the group holds, which each of its members holds too."""
    return _panel(request, group, field="group", noun="group")
