"""One notion of scope (content.scope): Workflow and ContentPolicy store it in the same
fields, scope_types / scope_page / scope_category / scope_locale (content.ScopedModel).

Today's scopes carry over unchanged: the sections and the policy's type list are renamed
in place; a workflow's content types (an M2M, dropped in 0013) become type names. The new
locale part starts empty (every locale). Reversible: going back loses only the locale.
"""

import django.db.models.deletion
from django.db import migrations, models

PAGE_HELP = "Section: this page and every page below it."
CATEGORY_HELP = "Section: articles in this category or any category below it."
LOCALE_HELP = "Only items in this locale; empty: every locale."
TYPES_HELP = "Type names (article, page); empty: every type."


def _type_name(content_type):
    # Content's types go by their API name (the model name). Any other type was never an
    # entry's, so it keeps its app label and still matches nothing.
    if content_type.app_label == "content":
        return content_type.model
    return f"{content_type.app_label}.{content_type.model}"


def workflow_types_forward(apps, schema_editor):
    """Each workflow's content types become the sorted list of their names."""
    Workflow = apps.get_model("governance", "Workflow")
    for workflow in Workflow.objects.prefetch_related("content_types"):
        workflow.scope_types = sorted({_type_name(ct) for ct in workflow.content_types.all()})
        workflow.save(update_fields=["scope_types"])


def workflow_types_back(apps, schema_editor):
    """Each workflow's type names become content types again."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Workflow = apps.get_model("governance", "Workflow")
    for workflow in Workflow.objects.all():
        types = []
        for name in workflow.scope_types or []:
            app_label, _, model = name.rpartition(".")
            content_type, _ = ContentType.objects.get_or_create(
                app_label=app_label or "content", model=model
            )
            types.append(content_type)
        workflow.content_types.set(types)


def scope_fields(model_name):
    """Page, category and locale as content.ScopedModel declares them."""
    return [
        migrations.AlterField(
            model_name=model_name,
            name="scope_page",
            field=models.ForeignKey(
                blank=True,
                help_text=PAGE_HELP,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="content.page",
            ),
        ),
        migrations.AlterField(
            model_name=model_name,
            name="scope_category",
            field=models.ForeignKey(
                blank=True,
                help_text=CATEGORY_HELP,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="content.category",
            ),
        ),
        migrations.AddField(
            model_name=model_name,
            name="scope_locale",
            field=models.ForeignKey(
                blank=True,
                help_text=LOCALE_HELP,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="content.locale",
            ),
        ),
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0008_deliverystate"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("governance", "0011_audit_truncate_guard_and_anchor_schedule"),
    ]

    operations = [
        # Content policies: the same parts, renamed.
        migrations.RenameField("contentpolicy", "content_types", "scope_types"),
        migrations.RenameField("contentpolicy", "page_subtree", "scope_page"),
        migrations.RenameField("contentpolicy", "category", "scope_category"),
        migrations.AlterField(
            model_name="contentpolicy",
            name="scope_types",
            field=models.JSONField(blank=True, default=list, help_text=TYPES_HELP),
        ),
        *scope_fields("contentpolicy"),
        # Workflows: sections renamed; the types become names next to the M2M for now.
        migrations.RenameField("workflow", "page", "scope_page"),
        migrations.RenameField("workflow", "category", "scope_category"),
        migrations.AddField(
            model_name="workflow",
            name="scope_types",
            field=models.JSONField(blank=True, default=list, help_text=TYPES_HELP),
        ),
        *scope_fields("workflow"),
        migrations.RunPython(workflow_types_forward, workflow_types_back),
    ]
