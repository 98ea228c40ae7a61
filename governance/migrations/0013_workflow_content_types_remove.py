"""A workflow's types now live in scope_types (0012); the content types M2M goes. Its own
migration: on PostgreSQL, dropping a table in the transaction that just wrote rows
pointing at it can fail on pending trigger events."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("governance", "0012_scope")]

    operations = [migrations.RemoveField(model_name="workflow", name="content_types")]
