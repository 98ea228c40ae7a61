"""Query parameters on a runtime type's own fields: `?venue=Hall+A`,
`?starts_at__gte=2027-01-01&starts_at__lt=2027-02-01`, `?genres=rock`, `?ordering=-price`.

Parsing only, independent of where values are stored: `parse_query` turns the parameters
into typed `Condition`s and `Ordering`s (or one ValidationError naming every bad
parameter), and the caller applies them to its own storage (content.runtime.queries does
so for `Entry.data`). What a field is compared as comes from its kind (kinds.FILTER_AS);
only fields flagged `filterable` (`sortable`) may be filtered on (sorted by).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from content.models import FieldKind
from content.runtime.kinds import FILTER_AS

RANGE = ("exact", "gt", "gte", "lt", "lte")
# The lookups each comparison takes; the first is what a bare `?name=value` means.
LOOKUPS: dict[str, tuple[str, ...]] = {
    "text": ("exact",),
    "number": RANGE,
    "date": RANGE,
    "datetime": RANGE,
    "boolean": ("exact",),
    "list": ("contains",),  # a list matches when it holds the value
    "id": ("exact",),  # media and single references: by id
}
BOOLEANS = {"true": True, "1": True, "false": False, "0": False}
MAX_DIGITS = 30  # beyond any stored number; keeps a cast value finite on every database
# Sorting a list or a reference has no meaning (content.runtime.definitions refuses the flag).
UNSORTABLE = (FieldKind.CHOICES, FieldKind.REFERENCE, FieldKind.MEDIA)


@dataclass(frozen=True)
class Condition:
    """`field` `lookup` `value`; value is typed by `compare_as`: str (text), Decimal
    (number), date, datetime (aware, UTC), bool (boolean), int (an id in a list or not)."""

    field: Any  # a FieldDefinition: key, api_id, kind, options
    compare_as: str
    lookup: str
    value: Any


@dataclass(frozen=True)
class Ordering:
    """Sort by `name`: a core field (`field` None) or one of the type's own fields."""

    name: str
    field: Any | None
    descending: bool


class Invalid(ValueError):
    pass


def compare_as(field) -> str | None:
    """How `field`'s values are compared (a LOOKUPS key); None: not at all."""
    if field.kind == FieldKind.CHOICES or (
        field.kind == FieldKind.REFERENCE and field.options.get("many")
    ):
        return "list"
    if field.kind in (FieldKind.MEDIA, FieldKind.REFERENCE):
        return "id"
    return FILTER_AS.get(field.kind)


def sortable(field) -> bool:
    return field.sortable and field.kind not in UNSORTABLE and FILTER_AS.get(field.kind) is not None


def filter_lookups(fields: Iterable) -> list[tuple[str, Any, str, str]]:
    """The filter parameters `fields` take, as (parameter, field, compare_as, lookup): the
    bare api_id (its first lookup) and `<api_id>__<lookup>` for the others (the OpenAPI
    schema lists them)."""
    found = []
    for field in fields:
        how = compare_as(field)
        if not field.filterable or how is None:
            continue
        first, *others = LOOKUPS[how]
        found.append((field.api_id, field, how, first))
        found += [(f"{field.api_id}__{lookup}", field, how, lookup) for lookup in others]
    return found


def ordering_names(fields: Iterable, core: Iterable[str]) -> list[str]:
    """Every term `ordering=` takes: the core names and the sortable fields, each with `-`."""
    names = [*core, *(f.api_id for f in fields if sortable(f))]
    return [term for name in names for term in (name, f"-{name}")]


def _number(raw: str) -> Decimal:
    try:
        number = Decimal(raw.strip())
    except InvalidOperation:
        raise Invalid("Must be a number.") from None
    if not number.is_finite() or number.adjusted() >= MAX_DIGITS:
        raise Invalid("Must be a number of at most 30 digits.")
    return number


def _id(raw: str) -> int:
    if not raw.strip().isdigit() or not 1 <= int(raw) < 2**63:
        raise Invalid("Must be an id (a whole number).")
    return int(raw)


def _date(raw: str) -> date:
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise Invalid("Must be an ISO 8601 date (YYYY-MM-DD).") from None


def _datetime(raw: str) -> datetime:
    """A date-time in UTC; without an offset it is in the current time zone (as every other
    filter takes it), a date alone is its midnight."""
    try:
        moment = datetime.fromisoformat(raw.strip())
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):
        raise Invalid("Must be an ISO 8601 date-time, e.g. 2027-01-05T20:00:00+01:00.") from None


def _value(field, how: str, raw: str) -> Any:
    choices = field.options.get("choices")
    if how == "number":
        return _number(raw)
    if how == "date":
        return _date(raw)
    if how == "datetime":
        return _datetime(raw)
    if how == "boolean":
        if raw.strip().lower() not in BOOLEANS:
            raise Invalid("Use true or false.")
        return BOOLEANS[raw.strip().lower()]
    if how == "id" or (how == "list" and field.kind == FieldKind.REFERENCE):
        return _id(raw)
    if choices is not None and raw not in choices:
        raise Invalid(f"Choose one of: {', '.join(choices)}.")
    return raw.strip()


def _condition(field, lookup: str, values: list[str]) -> Condition:
    if not field.filterable or compare_as(field) is None:
        raise Invalid(f"{field.api_id!r} is not filterable.")
    how = compare_as(field)
    allowed = LOOKUPS[how]
    lookup = lookup or allowed[0]
    if lookup not in allowed:
        forms = ", ".join(
            field.api_id if name == allowed[0] else f"{field.api_id}__{name}" for name in allowed
        )
        raise Invalid(f"{field.api_id} is filtered with: {forms}.")
    if len(values) != 1:
        raise Invalid("Give one value.")
    return Condition(field, how, lookup, _value(field, how, values[0]))


def _values(params: Mapping[str, Any], name: str) -> list[str]:
    getlist = getattr(params, "getlist", None)
    return list(getlist(name)) if getlist else [params[name]]


def parse_filters(fields: Iterable, params: Mapping[str, Any], *, ignore: Iterable[str] = ()):
    """(conditions, problems by parameter) for every parameter not in `ignore`."""
    by_name = {f.api_id: f for f in fields}
    skip = set(ignore)
    conditions: list[Condition] = []
    problems: dict[str, list[str]] = {}
    for param in params:
        if param in skip:
            continue
        name, _, lookup = param.partition("__")
        field = by_name.get(name)
        if field is None:
            filterable = sorted(n for n, f in by_name.items() if f.filterable)
            hint = f" The type's filterable fields: {', '.join(filterable)}." if filterable else ""
            problems[param] = [f"Unknown filter.{hint}"]
            continue
        try:
            conditions.append(_condition(field, lookup, _values(params, param)))
        except Invalid as problem:
            problems[param] = [str(problem)]
    return conditions, problems


def parse_ordering(fields: Iterable, raw: str | None, *, core: Iterable[str] = ()):
    """(orderings, problems) for `ordering=name,-other`: core names or sortable fields."""
    if raw is None:
        return [], []
    by_name = {f.api_id: f for f in fields}
    core_names = set(core)
    orderings: list[Ordering] = []
    problems: list[str] = []
    for term in raw.split(","):
        term = term.strip()
        name = term.removeprefix("-")
        field = by_name.get(name) if name not in core_names else None
        if not name:
            problems.append("Name a field to sort by, e.g. ordering=-updated_at.")
        elif name in core_names:
            orderings.append(Ordering(name, None, term.startswith("-")))
        elif field is None:
            problems.append(f"Unknown field {name!r}.")
        elif not sortable(field):
            problems.append(f"{name!r} is not sortable.")
        else:
            orderings.append(Ordering(name, field, term.startswith("-")))
    return orderings, problems


def parse_query(
    fields: Iterable,
    params: Mapping[str, Any],
    *,
    ignore: Iterable[str] = (),
    core_ordering: Iterable[str] = (),
    ordering_param: str = "ordering",
) -> tuple[list[Condition], list[Ordering]]:
    """The filters and the ordering `params` ask for on `fields` (a type's live fields);
    a ValidationError naming each bad parameter. Parameters in `ignore` belong to others."""
    fields = list(fields)
    conditions, problems = parse_filters(fields, params, ignore={*ignore, ordering_param})
    raw = params.get(ordering_param)
    orderings, ordering_problems = parse_ordering(fields, raw, core=core_ordering)
    if ordering_problems:
        problems[ordering_param] = ordering_problems
    if problems:
        raise ValidationError(problems)
    return conditions, orderings
