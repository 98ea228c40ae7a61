"""Delivery queries compiled once per process, then run again with each request's values.

Building a queryset and compiling it to SQL cost more Python than everything else an
uncached delivery list does (about 0.45 ms of 1 ms here). Delivery asks a few query
shapes over and over, differing only in their values, so each shape is built and compiled
by the ORM once, which stays the one definition of what the query means (the `served`
rule included); later requests of that shape run its SQL with their own values.

A value that varies between requests is a `Param`; everything else the query depends on
must be in the shape's key.

Running compiled SQL again leans on Django's compiler internals (`select`, `col_count`,
`get_converters`, `apply_converters`). With DELIVERY_COMPILED_QUERIES off, `rows` builds
and runs the queryset every time through the public ORM instead, with the same results.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection, connections, router
from django.db.models import Expression, Field, Model, QuerySet

if TYPE_CHECKING:  # an internal module: nothing imports it when the switch is off
    from django.db.models.sql.compiler import SQLCompiler

MAX_SHAPES = 512  # a process's compiled shapes; past this they are compiled afresh

_compiling = ContextVar("compiling", default=False)


class Param(Expression):
    """A request's value in a query: compiled as a placeholder, bound each time it runs."""

    def __init__(self, name: str, value: Any, output_field: Field):
        super().__init__(output_field=output_field)
        self.name, self.value = name, value

    def as_sql(self, compiler, connection):
        # While a shape compiles, the Param itself stands in the parameters, to be bound.
        return "%s", [self if _compiling.get() else self.bind(self.value, connection)]

    def bind(self, value: Any, connection) -> Any:
        return self.output_field.get_db_prep_value(value, connection)


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]  # constants, and Params to bind
    compiler: SQLCompiler
    converters: dict  # the backend's, for the selected columns (none on PostgreSQL)
    model: type[Model]  # where it reads from is the router's choice (core.replicas)


_shapes: dict[Hashable, _Compiled] = {}


def rows(shape: Hashable, build: Callable[[], QuerySet], values: dict[str, Any]) -> list[tuple]:
    """The rows of `build()` for this `shape`, with `values` bound to its Params by name;
    `build` runs only the first time a process sees the shape (each time, with
    DELIVERY_COMPILED_QUERIES off)."""
    if not settings.DELIVERY_COMPILED_QUERIES:
        return list(build())  # its Params hold this request's values already
    compiled = _shapes.get(shape)
    if compiled is None:
        compiler = build().query.get_compiler(connection=connection)
        token = _compiling.set(True)
        try:
            sql, params = compiler.as_sql()
        finally:
            _compiling.reset(token)
        if len(_shapes) >= MAX_SHAPES:
            _shapes.clear()
        converters = compiler.get_converters([s[0] for s in compiler.select[: compiler.col_count]])
        compiled = _shapes[shape] = _Compiled(
            sql, tuple(params), compiler, converters, compiler.query.model
        )
    # A read replica, when the request reads one (core.replicas): the same engine, so the
    # same SQL. With no router configured, the default connection without asking.
    db = connections[router.db_for_read(compiled.model)] if router.routers else connection
    params = [p.bind(values[p.name], db) if isinstance(p, Param) else p for p in compiled.params]
    with db.cursor() as cursor:
        cursor.execute(compiled.sql, params)
        fetched = cursor.fetchall()
    if compiled.converters:
        return list(compiled.compiler.apply_converters(fetched, compiled.converters))
    return fetched
