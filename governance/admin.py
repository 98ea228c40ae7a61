"""Governance in the admin. The audit log is read-only, with filters and CSV export."""

from __future__ import annotations

from django.contrib import admin

from governance.exports import audit_export_response
from governance.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor_repr", "action", "target_type", "target_repr", "ip"]
    list_filter = ["action", "target_type", "created_at"]
    search_fields = ["actor_repr", "action", "target_repr", "target_id", "request_id"]
    date_hierarchy = "created_at"
    list_select_related = ["actor"]
    show_full_result_count = False
    actions = ["export_csv"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Export selected events as CSV", permissions=["view"])
    def export_csv(self, request, queryset):
        return audit_export_response(queryset.order_by("id").iterator(), "csv")
