"""Saved views: create, change and delete a user's named changelist views (audited).

What a query string may hold is the changelist's business (the admin checks it against
the list's own filters before calling these); here: a name, a query string that parses
and carries no page or pop-up state, a list of column names, roles that exist, and the
rule that only a view's owner changes it.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl, urlencode

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts.audit import audit_record
from content.models import SavedView

# Changelist state that is not part of a view: the page, the error flag, pop-up plumbing,
# and the columns (kept in `columns`).
TRANSIENT_PARAMS = frozenset({"p", "e", "_popup", "_to_field", "_changelist_filters", "_cols"})
MAX_QUERY = 2000
MAX_COLUMNS = 30
COLUMN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
NOT_YOURS = "Only the person who saved a view can change or delete it."


def view_query_clean(query: Any) -> str:
    """The query string a view keeps: parsed, without transient state, re-encoded."""
    if not isinstance(query, str):
        raise ValidationError({"query": ["Must be a query string."]})
    query = query.lstrip("?")
    if len(query) > MAX_QUERY:
        raise ValidationError({"query": [f"At most {MAX_QUERY} characters."]})
    try:
        pairs = parse_qsl(query, keep_blank_values=True, strict_parsing=bool(query))
    except ValueError:
        raise ValidationError({"query": ["This is not a query string."]}) from None
    return urlencode([(k, v) for k, v in pairs if k not in TRANSIENT_PARAMS])


def _clean_name(name: Any) -> str:
    if not isinstance(name, str) or not name.strip():
        raise ValidationError({"name": ["A view needs a name."]})
    name = name.strip()
    if len(name) > 100:
        raise ValidationError({"name": ["At most 100 characters."]})
    return name


def _clean_columns(columns: Any) -> list[str]:
    if not isinstance(columns, list | tuple) or not all(
        isinstance(c, str) and COLUMN.match(c) for c in columns
    ):
        raise ValidationError({"columns": ["Must be a list of column names."]})
    if len(columns) > MAX_COLUMNS:
        raise ValidationError({"columns": [f"At most {MAX_COLUMNS} columns."]})
    return list(dict.fromkeys(columns))


def _clean_roles(roles: Any) -> list[Group]:
    if not isinstance(roles, list | tuple):
        raise ValidationError({"roles": ["Must be a list of roles."]})
    ids = [r.pk if isinstance(r, Group) else r for r in roles]
    if not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        raise ValidationError({"roles": ["Must be a list of role ids."]})
    found = {g.pk: g for g in Group.objects.filter(pk__in=ids)}
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise ValidationError({"roles": [f"No such role: {', '.join(missing)}."]})
    return [found[i] for i in dict.fromkeys(ids)]


def _ensure_free_name(view: SavedView) -> None:
    clash = SavedView.objects.filter(
        owner=view.owner_id,
        app_label=view.app_label,
        model_name=view.model_name,
        name=view.name,
    ).exclude(pk=view.pk)
    if clash.exists():
        raise ValidationError(
            {"name": [f"You already have a view named “{view.name}” on this list."]}
        )


def _audit(actor: Any, verb: str, view: SavedView, **changes: Any) -> None:
    audit_record(
        actor=actor,
        action=f"saved_view.{verb}",
        target=view,
        changes=changes,
        metadata={"list": f"{view.app_label}.{view.model_name}", "name": view.name},
    )


@transaction.atomic
def saved_view_create(
    *,
    owner: Any,
    app_label: str,
    model_name: str,
    name: Any,
    query: Any = "",
    columns: Any = (),
    roles: Any = (),
) -> SavedView:
    """Save a changelist's state under a name, private unless shared with `roles`."""
    view = SavedView(
        owner=owner,
        app_label=app_label,
        model_name=model_name,
        name=_clean_name(name),
        query=view_query_clean(query),
        columns=_clean_columns(columns),
    )
    groups = _clean_roles(roles)
    _ensure_free_name(view)
    view.save()
    view.roles.set(groups)
    _audit(owner, "create", view, query=view.query, roles=[g.name for g in groups])
    return view


EDITABLE = ("name", "query", "columns", "roles")


@transaction.atomic
def saved_view_update(*, view: SavedView, actor: Any, data: dict[str, Any]) -> SavedView:
    """Rename, re-share or re-define a view; its owner only."""
    view = SavedView.objects.select_for_update().get(pk=view.pk)
    if actor is None or actor.pk != view.owner_id:
        raise PermissionDenied(NOT_YOURS)
    unknown = sorted(set(data) - set(EDITABLE))
    if unknown:
        raise ValidationError({name: ["Unknown or read-only field."] for name in unknown})
    changes: dict[str, list] = {}
    cleaners = {"name": _clean_name, "query": view_query_clean, "columns": _clean_columns}
    for name, clean in cleaners.items():
        if name in data:
            value = clean(data[name])
            if value != getattr(view, name):
                changes[name] = [getattr(view, name), value]
                setattr(view, name, value)
    _ensure_free_name(view)
    view.save()
    if "roles" in data:
        groups = _clean_roles(data["roles"])
        before = sorted(view.roles.values_list("name", flat=True))
        after = sorted(g.name for g in groups)
        if before != after:
            view.roles.set(groups)
            changes["roles"] = [before, after]
    if changes:
        _audit(actor, "update", view, **changes)
    return view


@transaction.atomic
def saved_view_delete(*, view: SavedView, actor: Any) -> None:
    """Delete a view; its owner only (those it was shared with lose it too)."""
    if actor is None or actor.pk != view.owner_id:
        raise PermissionDenied(NOT_YOURS)
    _audit(actor, "delete", view)
    view.delete()
