"""Jobs in the admin: read-only, for operators to see what is pending, done or dead."""

from __future__ import annotations

from django.contrib import admin
from unfold.admin import ModelAdmin

from outbox.models import Job


@admin.register(Job)
class JobAdmin(ModelAdmin):
    nav_section, nav_icon, nav_order = "settings", "work_history", 80
    list_display = ("id", "task", "status", "attempts", "created_at", "due_at", "finished_at")
    list_filter = ("status", "task")
    search_fields = ("task", "last_error")
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:
        return False  # written by the services only

    def has_change_permission(self, request, obj=None) -> bool:
        return False
