"""Content → Saved views: where a user renames, re-shares and deletes their own views
(made from a list's "Save this view": content.admin.saved_views). A view shared with
you shows above its list, not here: only its owner changes it."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.html import format_html
from unfold.admin import ModelAdmin
from unfold.widgets import UnfoldAdminCheckboxSelectMultipleWidget

from content.admin.saved_views import model_admin_for, view_link
from content.models import SavedView
from content.services import saved_views as service
from core.admin_services import ServiceFormAdminMixin


class SavedViewForm(forms.ModelForm):
    class Meta:
        model = SavedView
        fields = ["name", "roles"]
        widgets = {"roles": UnfoldAdminCheckboxSelectMultipleWidget}
        labels = {"roles": "Shared with"}


@admin.register(SavedView)
class SavedViewAdmin(ServiceFormAdminMixin, ModelAdmin):
    """Your saved views: rename, share with roles, delete. Views are made from a list's
    "Save this view"; a view shared with you is listed above its list, not here."""

    # The sidebar's Content group (core.admin_nav); the views themselves are a group of
    # their own ("Saved views", registered in content.admin).
    nav_section, nav_icon, nav_order = "content", "bookmarks", 61

    form = SavedViewForm
    list_display = ["name", "list_name", "shared_with", "open_link", "updated_at"]
    readonly_fields = ["list_name", "query", "columns", "open_link"]
    fields = ["name", "roles", "list_name", "query", "columns", "open_link"]
    search_fields = ["name"]

    @admin.display(description="List")
    def list_name(self, view: SavedView) -> str:
        model_admin = model_admin_for(view)
        if model_admin is None:
            return f"{view.app_label}.{view.model_name} (gone)"
        return str(model_admin.opts.verbose_name_plural).capitalize()

    @admin.display(description="Shared with")
    def shared_with(self, view: SavedView) -> str:
        return ", ".join(g.name for g in view.roles.all()) or "Only me"

    @admin.display(description="Open")
    def open_link(self, view: SavedView) -> str:
        link = view_link(view)
        return format_html('<a href="{}">Open the list</a>', link) if link else "—"

    def get_queryset(self, request):
        return super().get_queryset(request).filter(owner=request.user).prefetch_related("roles")

    def _staff(self, request) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_module_permission(self, request) -> bool:
        return self._staff(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self._staff(request) and (obj is None or obj.owner_id == request.user.pk)

    def has_change_permission(self, request, obj=None) -> bool:
        return self.has_view_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self.has_view_permission(request, obj)

    def has_add_permission(self, request) -> bool:
        return False  # made from a list, with "Save this view"

    def save_model(self, request, obj, form, change):
        data = {"name": form.cleaned_data["name"], "roles": list(form.cleaned_data["roles"])}
        # The service reads the stored row again, under a lock: the form's edits are in `data`.
        view = service.saved_view_update(view=obj, actor=request.user, data=data)
        form.instance = view

    def save_related(self, request, form, formsets, change):
        """The roles were set by the service."""

    def delete_model(self, request, obj):
        service.saved_view_delete(view=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for view in queryset:
            service.saved_view_delete(view=view, actor=request.user)
