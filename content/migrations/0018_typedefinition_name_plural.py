"""Runtime types get a plural name ("Ferries"), shown where their entries are counted or
listed; the existing types get the one made from their name."""

from django.db import migrations, models

from content.runtime.plurals import english_plural


def fill_plurals(apps, schema_editor):
    TypeDefinition = apps.get_model("content", "TypeDefinition")
    for definition in TypeDefinition.objects.filter(name_plural=""):
        definition.name_plural = english_plural(definition.name)
        definition.save(update_fields=["name_plural"])


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0017_releases"),
    ]

    operations = [
        migrations.AddField(
            model_name="typedefinition",
            name="name_plural",
            field=models.CharField(
                blank=True, default="", max_length=100, verbose_name="plural name"
            ),
            preserve_default=False,
        ),
        migrations.RunPython(fill_plurals, migrations.RunPython.noop),
    ]
