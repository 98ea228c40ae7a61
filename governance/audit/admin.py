"""The audit log in the admin: read-only, with filters and CSV export."""

from __future__ import annotations

from django.contrib import admin

from core.admin_readonly import ReadOnlyAdmin
from governance.audit import beat_admin  # noqa: F401 (audits beat's schedule admins)
from governance.audit.exports import audit_export_response
from governance.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    nav_section, nav_icon, nav_order = "governance", "receipt_long", 30
    list_display = ["created_at", "actor_repr", "action", "target_type", "target_repr", "ip"]
    list_filter = ["action", "target_type", "created_at"]
    search_fields = ["actor_repr", "action", "target_repr", "target_id", "request_id"]
    date_hierarchy = "created_at"
    list_select_related = ["actor"]
    show_full_result_count = False
    actions = ["export_csv"]

    @admin.action(description="Export selected events as CSV", permissions=["view"])
    def export_csv(self, request, queryset):
        return audit_export_response(queryset.order_by("id").iterator(), "csv")
