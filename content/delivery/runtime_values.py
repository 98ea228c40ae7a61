"""A runtime type's typed values: what its snapshots index (SnapshotValue) and the list
filters that read them.

Each filterable or sortable field of a runtime type is written, with every snapshot, as
rows of SnapshotValue named "<kind>.<field key>", its value in the column of what the
field compares as (content.runtime.kinds.FILTER_AS): text, number, moment (dates as
midnight UTC) or boolean. A field's filters are then one EXISTS over one composite index
(name, column, snapshot) (content.delivery.query.filtered): no JSON is parsed per row,
and no type needs DDL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import (
    BooleanField,
    CharField,
    DateTimeField,
    DecimalField,
    Field,
    Q,
    QuerySet,
)

from content.delivery.compiled import Param
from content.delivery.filters import DeliveryFilter, datetime_param, error
from content.models import FieldKind
from content.models.snapshots import SnapshotValue
from content.runtime.kinds import FILTER_AS, is_empty

# The SnapshotValue column each comparison reads, and the field binding its values.
COLUMN = {
    "text": "text",
    "number": "number",
    "date": "moment",
    "datetime": "moment",
    "boolean": "boolean",
}
TEXT_LENGTH = SnapshotValue._meta.get_field("text").max_length
_number = SnapshotValue._meta.get_field("number")
NUMBER_LIMIT = Decimal(10) ** (_number.max_digits - _number.decimal_places)
BINDING: dict[str, Field] = {
    "text": CharField(),
    "number": DecimalField(max_digits=_number.max_digits, decimal_places=_number.decimal_places),
    "date": DateTimeField(),
    "datetime": DateTimeField(),
    "boolean": BooleanField(),
}
RANGES = {"gt": "gt", "gte": "gte", "lt": "lt", "lte": "lte"}
# Ids compare for equality only.
NO_RANGES = (FieldKind.MEDIA, FieldKind.REFERENCE)


def value_name(kind: str, field) -> str:
    return f"{kind}.{field.key}"


def compares_as(field) -> str | None:
    """What a field's values compare as when it is filtered or ordered on, else None."""
    if not (field.filterable or field.sortable):
        return None
    return FILTER_AS.get(field.kind)


def _number_of(value: Any) -> Decimal | None:
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() and abs(number) < NUMBER_LIMIT else None


def _moment_of(value: Any, kind: str) -> datetime | None:
    try:
        if kind == "date":
            return datetime.combine(date.fromisoformat(value), time(), UTC)
        return datetime.fromisoformat(value).astimezone(UTC)
    except (TypeError, ValueError):
        return None


def _indexed(value: Any, compare: str) -> Any:
    """A stored value in its column's type; None when it can't be indexed (it is then
    left out: a value the definition no longer describes matches no filter)."""
    if isinstance(value, dict):  # a reference: its id
        value = value.get("id")
    if compare == "text":
        return value[:TEXT_LENGTH] if isinstance(value, str) else None
    if compare == "number":
        return None if isinstance(value, bool) else _number_of(value)
    if compare == "boolean":
        return value if isinstance(value, bool) else None
    return _moment_of(value, compare)


def value_rows(kind: str, fields: Iterable, data: dict[str, Any]) -> list[tuple]:
    """A snapshot's SnapshotValue rows: (name, text, number, moment, boolean)."""
    rows = []
    for field in fields:
        compare = compares_as(field)
        value = data.get(field.key, field.default)
        if compare is None or is_empty(value):
            continue
        column = COLUMN[compare]
        for item in value if isinstance(value, list) else [value]:
            indexed = _indexed(item, compare)
            if indexed is not None:
                cells = dict.fromkeys(("text", "number", "moment", "boolean"))
                cells[column] = indexed
                rows.append((value_name(kind, field), *cells.values()))
    return rows


# --- Filters ------------------------------------------------------------------------


def _parser(field, compare: str) -> Callable[[str, str], Any]:
    def parse(name: str, raw: str) -> Any:
        if compare == "text":
            choices = field.options.get("choices")
            if choices and raw not in choices:
                raise error(name, f"Choose one of: {', '.join(choices)}.")
            return raw[:TEXT_LENGTH]
        if compare == "boolean":
            if raw not in ("true", "false"):
                raise error(name, "Use true or false.")
            return raw == "true"
        if compare == "number":
            number = _number_of(raw.strip()) if raw.strip() else None
            if number is None:
                raise error(name, "Give a number, e.g. 12 or 12.5.")
            return number
        if compare == "date":
            moment = _moment_of(raw, "date")
            if moment is None:
                raise error(name, "Use an ISO 8601 date, e.g. 2027-01-31.")
            return moment
        return datetime_param(name, raw)

    return parse


def _condition(column: str, lookup: str) -> Callable[[Param], Q]:
    return lambda value: Q(**{f"{column}__{lookup}": value})


def _apply(qs: QuerySet, value: Param) -> QuerySet:
    raise NotImplementedError("content.delivery.query.filtered applies `condition`")


def filter_lookups(fields: Iterable) -> list[tuple[str, Any, str, str]]:
    """The list filters of a runtime type's filterable fields, as (parameter, field,
    compares as, lookup): `<api_id>` (equality; any of a list's values) and, for numbers,
    dates and date-times, `<api_id>__gt`, `__gte`, `__lt` and `__lte`."""
    found = []
    for field in fields:
        compare = compares_as(field)
        if compare is None or not field.filterable:
            continue
        found.append((field.api_id, field, compare, "exact"))
        if compare in ("number", "date", "datetime") and field.kind not in NO_RANGES:
            found += [(f"{field.api_id}__{op}", field, compare, op) for op in RANGES]
    return found


def field_filters(kind: str, fields: Iterable) -> dict[str, DeliveryFilter]:
    """The filters of `filter_lookups`, by parameter."""
    return {
        param: DeliveryFilter(
            name=param,
            parse=_parser(field, compare),
            apply=_apply,
            condition=_condition(COLUMN[compare], lookup),
            field=BINDING[compare],
            kind=bool if compare == "boolean" else str,
            description=f"{field.label} ({lookup}).",
            shape=value_name(kind, field),
        )
        for param, field, compare, lookup in filter_lookups(fields)
    }
