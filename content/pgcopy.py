"""PostgreSQL COPY for the bulk paths: seeding and rebuilding the read model.

COPY streams rows in one statement, several times faster than multi-row INSERTs, whose
parameters psycopg quotes one by one on the client. Values are prepared exactly as
Django prepares them for an INSERT, so a copied row equals a saved one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """Take `count` primary keys from the model's sequence, so rows can refer to each other
    before they are written."""
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [model._meta.db_table, count],
        )
        return [row[0] for row in cursor.fetchall()]


def copy_instances(
    table: str, objs: Iterable[models.Model], fields: Sequence[models.Field]
) -> None:
    """COPY unsaved instances into `table`, their values prepared as Django saves them
    (`pre_save` fills auto_now fields on the instances, as save() would)."""
    # The wrapper itself, not the `connection` proxy: this runs per value, a million times.
    conn = connections[DEFAULT_DB_ALIAS]
    rows = (
        [f.get_db_prep_save(f.pre_save(obj, add=True), connection=conn) for f in fields]
        for obj in objs
    )
    copy_rows(table, [f.column for f in fields], rows)


def copy_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Stream ready-made rows into `table` with COPY."""
    conn = connections[DEFAULT_DB_ALIAS]
    quote = conn.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    sql = f"COPY {quote(table)} ({names}) FROM STDIN"
    with conn.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)
