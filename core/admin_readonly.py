"""The read-only ModelAdmin shared by governance's admin modules."""

from __future__ import annotations

from unfold.admin import ModelAdmin


class ReadOnlyAdmin(ModelAdmin):
    """Stored outcomes: written by the services, never edited by hand."""

    def get_readonly_fields(self, request, obj=None):
        return [*(f.name for f in self.model._meta.fields), *self.readonly_fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
