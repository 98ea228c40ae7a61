"""Parsed filters and orderings (content.runtime.filters) applied to entries' `data`.

Stored forms sort as their values (content.runtime.kinds): dates and date-times are ISO
text in UTC, so they are compared as text, byte by byte (SQLite's default; PostgreSQL's
"C" collation, so no locale reorders them); numbers, decimals stored as strings included,
are cast to numeric. Equality on PostgreSQL is containment, `data @> '{"f2": "Hall A"}'`,
which the GIN index on `data` (migration 0011) serves; elsewhere it is the key's value.
An entry with nothing stored for a field (one added after it was saved) matches no
condition on that field and sorts last.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import connections
from django.db.models import BooleanField, DecimalField, F, Func, Q, QuerySet, TextField
from django.db.models.fields.json import KeyTextTransform

from content.runtime.filters import Condition, Ordering


class Binary(Func):
    """Text compared byte by byte, the same on every database."""

    template = "%(expressions)s"
    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template='(%(expressions)s) COLLATE "C"', **extra)


class Number(Func):
    """A stored number (a JSON number or a decimal string) as a number."""

    template = "CAST(%(expressions)s AS NUMERIC)"
    output_field = DecimalField()


class Holds(Func):
    """SQLite: the list stored under `key` holds `item` (a string, or a reference's id)."""

    output_field = BooleanField()

    def __init__(self, key: str, item, *, by_id: bool):
        super().__init__(F("data"))
        self.key, self.item, self.by_id = key, item, by_id

    def as_sql(self, compiler, connection, **extra):
        data, params = compiler.compile(self.source_expressions[0])
        value = "json_extract(item.value, '$.id')" if self.by_id else "item.value"
        # Only compiled SQL and constants are interpolated; the key and item are parameters.
        sql = f"EXISTS (SELECT 1 FROM json_each({data}, %s) AS item WHERE {value} = %s)"  # noqa: S608
        return sql, [*params, f'$."{self.key}"', self.item]


def _stored(value):
    """A value in the form Entry.data keeps it (content.runtime.kinds)."""
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds" if not value.microsecond else "auto")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _expression(field, compare_as: str):
    text = KeyTextTransform(field.key, "data")
    return Number(text) if compare_as == "number" else Binary(text)


def _condition(queryset: QuerySet, condition: Condition, postgres: bool, index: int):
    field, key, value = condition.field, condition.field.key, condition.value
    if condition.compare_as == "list":
        item = {"id": value} if isinstance(value, int) else value
        if postgres:
            return queryset.filter(data__contains={key: [item]})
        return queryset.filter(Holds(key, value, by_id=isinstance(value, int)))
    if condition.compare_as == "id":
        stored = {"id": value} if field.kind == "reference" else value
        if postgres:
            return queryset.filter(data__contains={key: stored})
        path = f"data__{key}__id" if field.kind == "reference" else f"data__{key}"
        return queryset.filter(**{path: value})
    if condition.lookup == "exact" and condition.compare_as != "number":
        if postgres:
            return queryset.filter(data__contains={key: _stored(value)})
        return queryset.filter(Q(**{f"data__{key}": _stored(value)}))
    alias = f"own_filter_{index}"
    queryset = queryset.alias(**{alias: _expression(field, condition.compare_as)})
    return queryset.filter(**{f"{alias}__{condition.lookup}": _stored(value)})


def filter_entries(queryset: QuerySet, conditions: list[Condition]) -> QuerySet:
    """`queryset` (of Entry) narrowed to entries matching every condition."""
    postgres = connections[queryset.db].vendor == "postgresql"
    for index, condition in enumerate(conditions):
        queryset = _condition(queryset, condition, postgres, index)
    return queryset


def order_entries(queryset: QuerySet, orderings: list[Ordering]) -> QuerySet:
    """`queryset` sorted as asked (entries with no value last either way), then by id so
    that pages never overlap; unchanged when nothing is asked."""
    if not orderings:
        return queryset
    terms = []
    for ordering in orderings:
        if ordering.field is None:
            expression = F(ordering.name)
        else:
            how = "number" if ordering.field.kind in ("integer", "decimal") else "text"
            expression = _expression(ordering.field, how)
        terms.append(
            expression.desc(nulls_last=True)
            if ordering.descending
            else expression.asc(nulls_last=True)
        )
    return queryset.order_by(*terms, "-pk")
