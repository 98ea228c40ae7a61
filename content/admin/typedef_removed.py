"""Removed fields on a content type's admin page (content.admin.typedefs): each one listed
with a Restore button (content.runtime.removed.field_restore: type_update with the field
given back, values and all) and a Purge button, which asks first, then deletes its values
from every entry for good (field_purge; revisions keep theirs). Refusals are messages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from content.models import FieldDefinition, TypeDefinition
from content.runtime.removed import field_purge, field_restore
from core.admin_services import report_refusal

REFUSALS = (ValidationError, PermissionDenied)
CONFIRM_TEMPLATE = "admin/content/trash_confirm.html"


class RemovedFieldsAdminMixin:
    """For TypeDefinitionAdmin: the "Removed fields" section and its two buttons."""

    def _removed_url(self, what: str, obj: TypeDefinition, key: str) -> str:
        return reverse(f"admin:content_typedefinition_{what}_field", args=[obj.pk, key])

    @staticmethod
    def removed_of(obj: TypeDefinition | None) -> list[FieldDefinition]:
        if obj is None or obj.pk is None:
            return []
        return list(obj.fields.exclude(removed_at=None).order_by("removed_at"))

    def removed_fields(self, obj: TypeDefinition) -> str:
        rows = self.removed_of(obj)
        if not rows:
            return "—"
        body = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>"
            '<button type="submit" class="button" formaction="{}" formnovalidate>Restore</button> '
            '<a class="button deletelink" href="{}">Purge values…</a></td></tr>',
            (
                (
                    f.api_id,
                    f.key,
                    f.kind,
                    f.removed_at.strftime("%Y-%m-%d %H:%M"),
                    self._removed_url("restore", obj, f.key),
                    self._removed_url("purge", obj, f.key),
                )
                for f in rows
            ),
        )
        return format_html(
            "<p>Hidden from entries; their values are kept until purged.</p><table><tr>"
            "<th>Name</th><th>Key</th><th>Type</th><th>Removed</th><th></th></tr>{}</table>",
            body,
        )

    removed_fields.short_description = "Removed fields"

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/restore-field/<str:key>/",
                view(self.restore_field_view),
                name="content_typedefinition_restore_field",
            ),
            path(
                "<path:object_id>/purge-field/<str:key>/",
                view(self.purge_field_view),
                name="content_typedefinition_purge_field",
            ),
            *super().get_urls(),
        ]

    def _type_or_404(self, request, object_id) -> TypeDefinition:
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_change_permission(request, obj):
            raise Http404
        return obj

    def _back(self, obj: TypeDefinition) -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse("admin:content_typedefinition_change", args=[obj.pk]))

    def restore_field_view(self, request, object_id, key):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self._type_or_404(request, object_id)
        try:
            field_restore(actor=request.user, definition=obj, key=key)
        except REFUSALS as exc:
            report_refusal(request, exc, prefix="Not restored: ")
        else:
            messages.success(request, f"Field {key} is back, with its values.")
        return self._back(obj)

    def purge_field_view(self, request, object_id, key):
        obj = self._type_or_404(request, object_id)
        field = obj.fields.filter(key=key).first()
        if field is None:
            raise Http404
        if request.method == "POST":
            try:
                count = field_purge(actor=request.user, definition=obj, key=key)
            except REFUSALS as exc:
                report_refusal(request, exc, prefix="Not purged: ")
            else:
                messages.success(
                    request, f"Field {field.api_id} ({key}) purged from {count} entries."
                )
            return self._back(obj)
        return TemplateResponse(request, CONFIRM_TEMPLATE, self._purge_context(request, obj, field))

    def _purge_context(
        self, request, obj: TypeDefinition, field: FieldDefinition
    ) -> dict[str, Any]:
        return {
            **self.admin_site.each_context(request),
            "title": f"Purge the values of “{field.api_id}”?",
            "opts": self.model._meta,
            "original": obj,
            "warnings": [
                f"Every {obj.name} entry loses its value of {field.api_id} ({field.key}), and "
                "the field can no longer be restored. This can't be undone.",
                "Revisions keep the values they were saved with (they are history); "
                "reverting to one doesn't bring the field back.",
            ],
            "choices": [{"key": "purge", "label": "Yes, purge its values", "css": "danger"}],
        }
