"""PostgreSQL: a GIN index on runtime entries' `data` (jsonb_path_ops).

It serves containment, `data @> '{"f2": "Hall A"}'`, which is how the management API's
equality filters on a type's own fields query PostgreSQL (content.runtime.queries).
SQLite has no GIN; the same filters read the key there.
"""

from django.db import migrations

CREATE = "CREATE INDEX entry_data_gin ON content_entry USING gin (data jsonb_path_ops);"
DROP = "DROP INDEX IF EXISTS entry_data_gin;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("content", "0010_typedefs")]

    operations = [migrations.RunPython(forwards, backwards)]
