"""The content version moves from the cache to the database (content.models.DeliveryState)."""

from django.db import migrations, models


def create_row(apps, schema_editor):
    apps.get_model("content", "DeliveryState").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("content", "0007_trashed_live_revision")]

    operations = [
        migrations.CreateModel(
            name="DeliveryState",
            fields=[
                (
                    "id",
                    models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False),
                ),
                ("version", models.PositiveBigIntegerField(default=0)),
                ("next_expiry", models.DateTimeField(blank=True, null=True)),
            ],
        ),
        migrations.RunPython(create_row, migrations.RunPython.noop),
    ]
