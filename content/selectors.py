"""Reads for the management API and the admin: querysets with their joins prepared."""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import reduce
from typing import Any

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db.models import F, Q, QuerySet

from content.models import (
    Category,
    Entry,
    Locale,
    MediaAsset,
    PublishableCore,
    Redirect,
    Reference,
    RoleGrant,
    SavedView,
    Status,
    Tag,
)
from content.permissions import section_q
from content.scope import NOTHING
from content.types import api_name_of, entry_type, entry_type_for, publishable_models


def entry_visible(qs: QuerySet[PublishableCore], actor: Any) -> QuerySet[PublishableCore]:
    """The items of `qs` that `actor` may view: all for its roles (or the system, None),
    else those in the sections its grants cover (content.permissions)."""
    if actor is None:
        return qs
    q = section_q(actor, qs.model, entry_type_for(qs.model).perm("view"))
    return qs if q is None else qs.filter(q)


def entry_list(*, model: type[PublishableCore], actor: Any) -> QuerySet[PublishableCore]:
    """The items `actor` may view (trash included; None: the system sees all), with what
    their list rows show, in a constant number of queries."""
    qs = model.objects.select_related("locale", "locked_by").annotate(
        live_revision_number=F("live_revision__number"),
        latest_revision_number=F("latest_revision__number"),
        trashed_live_revision_number=F("trashed_live_revision__number"),
    )
    return entry_visible(qs, actor).prefetch_related(*entry_type_for(model).many_to_many)


def entry_refs_q(
    items: Callable[[type[PublishableCore]], Q | None], *, prefix: str = ""
) -> Q | None:
    """The rows of a generic relation to items (`<prefix>content_type`, `<prefix>object_id`:
    submissions, comments) whose item `items(model)` selects, `items` answering per type
    as section_q does (None or Q(): every item). None when it selects every item of every
    type; else one `content_type = T AND object_id IN (SELECT pk ...)` per type (indexed)."""
    parts, everything = [], True
    for model in publishable_models():
        q = items(model)
        content_type = ContentType.objects.get_for_model(model)
        if q:
            everything = False
            if q == NOTHING:
                continue
        elif not model._meta.proxy:
            parts.append(Q(**{f"{prefix}content_type": content_type}))
            continue
        # A proxy (a type defined as data) shares its concrete model's content type with
        # the other types' entries: its own rows are selected by id (its manager's).
        ids = (model.objects.filter(q) if q else model.objects.all()).values("pk")
        parts.append(Q(**{f"{prefix}content_type": content_type, f"{prefix}object_id__in": ids}))
    if everything:
        return None
    return reduce(operator.or_, parts) if parts else NOTHING


def entry_api_names(refs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], str]:
    """The API name of the type of each item given as (content_type_id, object_id), as a
    generic relation stores it: a code type's from its content type; the entries of types
    defined as data share content.Entry's, so theirs come from their definition, all in one
    query. An item gone answers with its content type's model name ("entry")."""
    refs = set(refs)
    shared = ContentType.objects.get_for_model(Entry).pk
    ids = {object_id for type_id, object_id in refs if type_id == shared}
    defined = (
        dict(Entry.objects.filter(pk__in=ids).values_list("pk", "definition__api_id"))
        if ids
        else {}
    )
    names = {}
    for type_id, object_id in refs:
        name = defined.get(object_id) if type_id == shared else None
        names[type_id, object_id] = name or api_name_of(ContentType.objects.get_for_id(type_id))
    return names


def entry_refs_visible_q(actor: Any, *, prefix: str = "") -> Q | None:
    """The rows of a generic relation to items that `actor` may view (entry_refs_q): None
    for its roles (or the system, None), else those in its grants' sections."""
    if actor is None:
        return None
    return entry_refs_q(
        lambda model: section_q(actor, model, entry_type_for(model).perm("view")), prefix=prefix
    )


def media_list() -> QuerySet[MediaAsset]:
    return MediaAsset.objects.all()


def category_list() -> QuerySet[Category]:
    return Category.objects.select_related("locale")


def tag_list() -> QuerySet[Tag]:
    return Tag.objects.select_related("locale")


def locale_list() -> QuerySet[Locale]:
    return Locale.objects.all()


def redirect_list() -> QuerySet[Redirect]:
    return Redirect.objects.select_related("locale", "target_content_type")


def role_grant_list() -> QuerySet[RoleGrant]:
    """Grants with their holder and scope joined, oldest first."""
    return RoleGrant.objects.select_related(
        "user", "group", "scope_page", "scope_category", "scope_locale"
    ).order_by("pk")


def _held_by(holder: Any) -> Q:
    if isinstance(holder, Group):
        return Q(group=holder)
    return Q(user=holder) | Q(group__in=holder.groups.values("pk"))


def role_grants_held(holder: Any) -> QuerySet[RoleGrant]:
    """The grants a group holds, or a user holds directly or through one of their groups,
    with who granted them joined (the user's and group's admin pages list them)."""
    return role_grant_list().filter(_held_by(holder)).select_related("created_by")


def user_holds_role_grant(user: Any) -> bool:
    """Whether `user` holds any grant, directly or through a group (a reason to stay staff:
    accounts.extensions)."""
    return RoleGrant.objects.filter(_held_by(user)).exists()


def saved_views_visible(user: Any) -> QuerySet[SavedView]:
    """The saved views `user` may open: their own, and those shared with a role they hold."""
    shared = SavedView.roles.through.objects.filter(group__in=user.groups.values("pk")).values(
        "savedview_id"
    )
    return SavedView.objects.filter(Q(owner=user) | Q(pk__in=shared)).select_related("owner")


@dataclass(frozen=True)
class MediaUse:
    """One item that uses a media asset, and in which of its fields."""

    model: type[PublishableCore]
    type_label: str
    id: int
    title: str
    status: str
    trashed: bool
    fields: tuple[str, ...]

    @property
    def status_label(self) -> str:
        return Status(self.status).label if self.status in Status.values else self.status


def media_where_used(*, asset: MediaAsset, viewer: Any) -> tuple[list[MediaUse], int]:
    """The items using `asset` that `viewer` may view, by type and title, with the fields
    that use it; and how many more items use it that `viewer` may not view. One query for
    the references, one for the runtime entries' types, one per type."""
    refs = Reference.objects.filter(
        target_content_type=ContentType.objects.get_for_model(MediaAsset),
        target_object_id=asset.pk,
    ).values_list("source_content_type_id", "source_object_id", "field")
    fields: dict[tuple[int, int], list[str]] = {}
    for type_id, object_id, field in refs:
        fields.setdefault((type_id, object_id), []).append(field)
    by_type: dict[str, tuple[int, list[int]]] = {}
    for (type_id, object_id), name in entry_api_names(fields).items():
        by_type.setdefault(name, (type_id, []))[1].append(object_id)
    uses: list[MediaUse] = []
    for name, (type_id, ids) in by_type.items():
        try:
            registered = entry_type(name)
        except LookupError:
            continue  # a type removed since; its references go with its entries
        items = entry_visible(registered.model.objects.filter(pk__in=ids), viewer)
        for pk, title, status, deleted_at in items.values_list(
            "pk", "title", "status", "deleted_at"
        ):
            uses.append(
                MediaUse(
                    model=registered.model,
                    type_label=str(registered.model._meta.verbose_name),
                    id=pk,
                    title=title,
                    status=status,
                    trashed=deleted_at is not None,
                    fields=tuple(sorted(fields[type_id, pk])),
                )
            )
    uses.sort(key=lambda use: (use.type_label, use.title.lower(), use.id))
    return uses, len(fields) - len(uses)
