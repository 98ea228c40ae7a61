"""PostgreSQL: a generated, GIN-indexed tsvector for ranked full-text search.

Title words weigh more than body words. SQLite has no tsvector; delivery falls back to
a simple contains search there.
"""

from django.db import migrations

CREATE = """
ALTER TABLE content_deliverysnapshot ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS (
        setweight(to_tsvector('english', coalesce(title, '')), 'A') ||
        setweight(to_tsvector('english', coalesce(search_text, '')), 'B')
    ) STORED;
CREATE INDEX snapshot_search_gin ON content_deliverysnapshot USING gin (search_vector);
"""
DROP = """
DROP INDEX IF EXISTS snapshot_search_gin;
ALTER TABLE content_deliverysnapshot DROP COLUMN IF EXISTS search_vector;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("content", "0003_delivery_snapshots")]

    operations = [migrations.RunPython(forwards, backwards)]
