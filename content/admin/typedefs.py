"""Content types as data in the admin: an Administrator defines a type and its fields here.

The change form is the type (name, api_id, description, title field, localised) with its
live fields as an inline. Nothing is saved by the admin itself: the form and the inline's
rows become one definition in the API's shape, which content.runtime.definitions
(type_create / type_update) checks as a whole, writes, numbers (TypeRevision) and audits.
When it refuses, every problem shows on the input or field row its path names
("fields[2].type" on the third row's Type), and nothing is saved.
"""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.html import format_html, format_html_join
from unfold.admin import ModelAdmin, StackedInline

from content.admin.typedef_forms import (
    FieldDefinitionForm,
    FieldFormSet,
    TypeDefinitionForm,
    split_problems,
)
from content.admin.typedef_removed import RemovedFieldsAdminMixin
from content.models import FieldDefinition, TypeDefinition
from content.runtime.definitions import type_create, type_update
from content.runtime.validation import FLAGS
from core.admin_forms import BlankChoiceAdminMixin

REFUSALS = (ValidationError, PermissionDenied)


class FieldDefinitionInline(BlankChoiceAdminMixin, StackedInline):
    model = FieldDefinition
    blank_choice_label = "Choose a type"
    form = FieldDefinitionForm
    formset = FieldFormSet
    extra = 1
    ordering = ["order", "pk"]
    readonly_fields = ["key"]
    verbose_name = "field"
    fieldsets = [
        (None, {"fields": [("order", "key"), ("api_id", "label", "kind"), "help_text"]}),
        ("Flags", {"fields": [tuple(FLAGS)]}),
        (
            "Options (only those its type takes)",
            {
                "fields": [
                    ("min_length", "max_length", "pattern"),
                    ("min_value", "max_value", "decimal_places"),
                    ("choices", "media_kinds"),
                    ("types", "many", "min_items", "max_items"),
                    "default",
                ]
            },
        ),
    ]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        rows = getattr(request, "_type_problems", ({}, {}))[1]
        return type(formset.__name__, (formset,), {"problems": rows}) if rows else formset


@admin.register(TypeDefinition)
class TypeDefinitionAdmin(RemovedFieldsAdminMixin, ModelAdmin):
    nav_section, nav_icon, nav_order = "settings", "schema", 60
    form = TypeDefinitionForm
    inlines = [FieldDefinitionInline]
    list_display = ["name", "api_id", "revision", "updated_at"]
    search_fields = ["name", "api_id"]
    readonly_fields = ["revision", "revision_history", "removed_fields"]

    def get_fieldsets(self, request, obj=None):
        main = ["name", "name_plural", "api_id", "description", "title_api_id", "localized"]
        revisions = [("Revisions", {"fields": ["revision", "revision_history"]})]
        removed = [("Removed fields", {"fields": ["removed_fields"]})]
        return [
            (None, {"fields": main}),
            *(removed if self.removed_of(obj) else []),
            *(revisions if obj else []),
        ]

    @admin.display(description="History")
    def revision_history(self, obj: TypeDefinition) -> str:
        rows = obj.revisions.select_related("author").order_by("-number")
        if not rows:
            return "—"
        body = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (r.number, r.author or "system", r.created_at.strftime("%Y-%m-%d %H:%M"), r.message)
                for r in rows
            ),
        )
        return format_html(
            "<table><tr><th>Revision</th><th>Author</th><th>Date</th><th>Change</th></tr>"
            "{}</table>",
            body,
        )

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # a type is never deleted from the admin (its entries would go with it)

    # --- Saving through the service -------------------------------------------------

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # A refusal rolls back and shows the same form again, with the problems on it.
        try:
            with transaction.atomic():
                return super().changeform_view(request, object_id, form_url, extra_context)
        except REFUSALS as exc:
            request._type_problems = split_problems(exc)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        main = getattr(request, "_type_problems", ({}, {}))[0]
        if not main:
            return form_class

        class RefusedForm(form_class):
            def clean(self):
                cleaned = super().clean()
                for name, messages in main.items():
                    for message in messages:
                        self.add_error(name if name in self.fields else None, message)
                return cleaned

        return RefusedForm

    def save_model(self, request, obj, form, change):
        """Saved with its fields by the service in save_related, which has the inline."""

    def save_related(self, request, form, formsets, change):
        data = form.definition()
        rows = [formset for formset in formsets if isinstance(formset, FieldFormSet)]
        if rows:
            data["fields"] = rows[0].definition()
        if change:
            definition = type_update(actor=request.user, definition=form.instance, data=data)
        else:
            definition = type_create(actor=request.user, data=data)
        form.instance.pk = definition.pk
        form.instance.revision = definition.revision
        form.instance.name = definition.name

    def construct_change_message(self, request, form, formsets, add=False):
        # The revision says what changed (and the audit log, who); the inline never saves.
        return f"Revision {form.instance.revision}."
