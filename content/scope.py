"""One notion of scope: which entries a workflow, a content policy or a role grant covers.

A scope (stored through content.models.ScopedModel) has four parts, each empty = all:
types (API names such as "article"), a page subtree (the page and every page below it), a
category with every category below it, and a locale. The parts that are set must all hold.

Where an entry lives (its section) comes from its type's registration (content.types:
`section_path_field`, the field holding its page-tree path, and/or
`section_category_field`, the one holding its category). A type with neither matches
only scopes without a page or a category. `scope_matches` answers for one entry without
touching the database; `scope_q` selects the same entries of one model with indexed
lookups only (`path__startswith`, `category_id IN (...)`), the categories below a scope's
category being resolved once, when the Scope is built.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Q

from content.models import Category, Locale, Page, ScopedModel
from content.types import api_names, entry_type, entry_type_for

T = TypeVar("T")

# What scope_q returns for a scope that covers no entry of a model (compare with ==).
NOTHING = Q(pk__in=[])


# --- Where an entry lives ---------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    """An entry's place: its page-tree path and its category id (None where it has none)."""

    path: str | None = None
    category_id: int | None = None


@dataclass(frozen=True)
class Sectioning:
    """Which fields of a type place its entries: a page-tree path and/or a category FK."""

    path_field: str | None = None
    category_field: str | None = None


def type_name(entry_or_model: Any) -> str:
    """The API name of an entry's (or a model's) type: "article", "page"."""
    return entry_type_for(entry_or_model).api_name


def scope_type_names() -> tuple[str, ...]:
    """The type names a scope may list."""
    return tuple(sorted(api_names()))


def sectioning_for(name: str) -> Sectioning:
    """How entries of type `name` are placed, as its registration says."""
    registered = entry_type(name)
    return Sectioning(registered.section_path_field, registered.section_category_field)


def entry_section(entry: Any, snapshot: Mapping[str, Any] | None = None) -> Section:
    """Where `entry` lives. With a revision's `snapshot`, its category is the one of that
    revision (a policy judges the revision); the path is always the entry's own, since a
    move is not a revision."""
    fields = sectioning_for(type_name(entry))
    path = (getattr(entry, fields.path_field) or None) if fields.path_field else None
    category = None
    if fields.category_field:
        if snapshot is not None:
            category = snapshot.get(fields.category_field)
        else:
            category = getattr(entry, f"{fields.category_field}_id")
    return Section(path=path, category_id=category)


# --- The scope -------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """A resolved scope: `categories` holds the category and every category below it."""

    types: frozenset[str] = frozenset()
    page_id: int | None = None
    page_path: str | None = None
    category_id: int | None = None
    categories: frozenset[int] = frozenset()
    locale_id: int | None = None

    @property
    def is_everything(self) -> bool:
        """No part is set: the scope covers every entry."""
        parts = (self.page_id, self.category_id, self.locale_id)
        return not self.types and all(part is None for part in parts)

    @property
    def specificity(self) -> tuple[int, int, bool]:
        """Orders scopes that cover the same entry: a page section beats a category beats
        none; the deepest page wins; the nearest category wins (of the categories above one
        entry, the nearest has the fewest below it); then a locale beats none."""
        if self.page_path is not None:
            section = (2, len(self.page_path))
        elif self.category_id is not None:
            section = (1, -len(self.categories))
        else:
            section = (0, 0)
        return (*section, self.locale_id is not None)


def category_descendants(roots: Iterable[int]) -> dict[int, frozenset[int]]:
    """Each root category with every category below it: one query per level of nesting."""
    roots = set(roots)
    children: dict[int, list[int]] = defaultdict(list)
    frontier, seen = set(roots), set(roots)
    while frontier:
        rows = Category.objects.filter(parent__in=frontier).values_list("pk", "parent_id")
        frontier = set()
        for pk, parent in rows:
            children[parent].append(pk)
            if pk not in seen:
                seen.add(pk)
                frontier.add(pk)
    below = {}
    for root in roots:
        found, stack = {root}, [root]
        while stack:
            for child in children[stack.pop()]:
                if child not in found:
                    found.add(child)
                    stack.append(child)
        below[root] = frozenset(found)
    return below


def _resolved(
    types: Iterable[str],
    page: Page | None,
    category_id: int | None,
    locale_id: int | None,
    below: Mapping[int, frozenset[int]],
) -> Scope:
    return Scope(
        types=frozenset(types or ()),
        page_id=page.pk if page is not None else None,
        page_path=page.path if page is not None else None,
        category_id=category_id,
        categories=below.get(category_id, frozenset()),
        locale_id=locale_id,
    )


def scopes_of(rows: Sequence[ScopedModel]) -> list[Scope]:
    """The resolved scope of each row (select_related("scope_page") saves a query each)."""
    roots = {row.scope_category_id for row in rows} - {None}
    below = category_descendants(roots) if roots else {}
    return [
        _resolved(
            row.scope_types,
            row.scope_page if row.scope_page_id else None,
            row.scope_category_id,
            row.scope_locale_id,
            below,
        )
        for row in rows
    ]


def scope_build(
    *,
    types: Iterable[str] = (),
    page: Page | None = None,
    category: Category | None = None,
    locale: Locale | None = None,
) -> Scope:
    """A resolved scope from its parts (code and tests; stored scopes use scopes_of)."""
    category_id = category.pk if category is not None else None
    below = category_descendants({category_id}) if category_id is not None else {}
    locale_id = locale.pk if locale is not None else None
    return _resolved(types, page, category_id, locale_id, below)


# --- Matching --------------------------------------------------------------------------


def scope_matches(scope: Scope, entry: Any, *, snapshot: Mapping[str, Any] | None = None) -> bool:
    """Whether `scope` covers `entry` (placed as of `snapshot` when given); no queries."""
    if scope.types and type_name(entry) not in scope.types:
        return False
    if scope.locale_id is not None and entry.locale_id != scope.locale_id:
        return False
    section = entry_section(entry, snapshot)
    if scope.page_path is not None and not (
        section.path is not None and section.path.startswith(scope.page_path)
    ):
        return False
    return scope.category_id is None or section.category_id in scope.categories


def scope_q(scope: Scope, model: type) -> Q:
    """The entries of `model` that `scope` covers, as indexed lookups: the same entries
    scope_matches accepts."""
    nothing = Q(pk__in=[])  # a fresh one: callers may combine it
    fields = sectioning_for(type_name(model))
    if scope.types and type_name(model) not in scope.types:
        return nothing
    q = Q()
    if scope.page_path is not None:
        if fields.path_field is None:
            return nothing
        q &= Q(**{f"{fields.path_field}__startswith": scope.page_path})
    if scope.category_id is not None:
        if fields.category_field is None:
            return nothing
        q &= Q(**{f"{fields.category_field}__in": sorted(scope.categories)})
    if scope.locale_id is not None:
        q &= Q(locale_id=scope.locale_id)
    return q


def scope_pick(
    candidates: Iterable[tuple[Scope, T]], entry: Any, *, snapshot: Mapping[str, Any] | None = None
) -> T | None:
    """The candidate whose scope covers `entry` most specifically; ties go to the first."""
    matching = [pair for pair in candidates if scope_matches(pair[0], entry, snapshot=snapshot)]
    if not matching:
        return None
    return max(matching, key=lambda pair: pair[0].specificity)[1]


# --- Reading, validating and writing a scope under public names -------------------------


@dataclass(frozen=True)
class ScopeNames:
    """The names a model's API and admin form give the scope's parts (kept stable there)."""

    types: str = "types"
    page: str = "page"
    category: str = "category"
    locale: str = "locale"

    def __iter__(self) -> Iterator[str]:
        return iter((self.types, self.page, self.category, self.locale))


def scope_read(row: ScopedModel, names: ScopeNames) -> dict[str, Any]:
    """The row's scope under `names`: types as a list, the rest as objects or None."""
    return {
        names.types: list(row.scope_types or []),
        names.page: row.scope_page,
        names.category: row.scope_category,
        names.locale: row.scope_locale,
    }


def scope_describe(row: ScopedModel, names: ScopeNames) -> dict[str, Any]:
    """The row's scope under `names`, JSON-ready (ids), for audit records."""
    return {
        names.types: list(row.scope_types or []),
        names.page: row.scope_page_id,
        names.category: row.scope_category_id,
        names.locale: row.scope_locale_id,
    }


def _only(attribute: str, what: str) -> str:
    holders = [name for name in scope_type_names() if getattr(sectioning_for(name), attribute)]
    return f"Only {' and '.join(holders) or 'no'} items {what}."


def scope_clean(data: Mapping[str, Any], names: ScopeNames) -> dict[str, Any]:
    """Validate a scope given under `names`: known types, a page subtree or a category but
    not both, and a section that one of the chosen types can be in. Returns the four parts
    under `names` (types sorted, missing parts None); errors name the fields as given."""
    known = scope_type_names()
    types = data.get(names.types) or []
    if not isinstance(types, list | tuple) or not all(
        isinstance(t, str) and t in known for t in types
    ):
        raise ValidationError({names.types: [f"List some of: {', '.join(known)} (empty: all)."]})
    types = sorted(set(types))
    page, category = data.get(names.page), data.get(names.category)
    if page is not None and category is not None:
        raise ValidationError(
            {names.category: ["Scope to a page subtree or a category, not both."]}
        )
    chosen = [sectioning_for(t) for t in types or known]
    if category is not None and not any(s.category_field for s in chosen):
        raise ValidationError({names.category: [_only("category_field", "have a category")]})
    if page is not None and not any(s.path_field for s in chosen):
        raise ValidationError({names.page: [_only("path_field", "are in the page tree")]})
    locale = data.get(names.locale)
    return {names.types: types, names.page: page, names.category: category, names.locale: locale}


def scope_write(row: ScopedModel, cleaned: Mapping[str, Any], names: ScopeNames) -> None:
    """Set the row's scope fields from scope_clean's output (the caller saves)."""
    row.scope_types = list(cleaned[names.types])
    row.scope_page = cleaned[names.page]
    row.scope_category = cleaned[names.category]
    row.scope_locale = cleaned[names.locale]
