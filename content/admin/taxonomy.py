"""Categories, tags, locales and redirects in the admin, saved through their services.

Deleting goes through the service too, which refuses while anything uses the object
(409); the refusal comes back as a message rather than an error page.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from unfold.admin import ModelAdmin

from content.admin.chooser import ChooserAdminMixin
from content.admin.transitions import REFUSALS
from content.models import Category, Locale, Redirect, Tag
from content.services import redirects, taxonomy
from core.admin_services import ServiceFormAdminMixin, report_refusal


class ServiceAdmin(ChooserAdminMixin, ServiceFormAdminMixin, ModelAdmin):
    """Saves and deletes through create / update / delete services (set by subclasses)."""

    def create(self, request, data):
        return taxonomy.taxonomy_create(model=self.model, actor=request.user, data=data)

    def update(self, request, obj, data):
        return taxonomy.taxonomy_update(obj=obj, actor=request.user, data=data)

    def delete(self, request, obj):
        taxonomy.taxonomy_delete(obj=obj, actor=request.user)

    def save_model(self, request, obj, form, change):
        data = (
            {name: form.cleaned_data[name] for name in form.changed_data}
            if change
            else dict(form.cleaned_data)
        )
        saved = (
            self.update(request, self.model.objects.get(pk=obj.pk), data)
            if change
            else self.create(request, data)
        )
        form.instance = saved
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        self.delete(request, obj)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            with transaction.atomic():
                return super().delete_view(request, object_id, extra_context)
        except REFUSALS as exc:
            report_refusal(request, exc)
        opts = self.opts
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[object_id])
        return HttpResponseRedirect(url)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # a bulk delete would skip the in-use checks
        return actions

    @admin.action(description="Delete selected %(verbose_name_plural)s", permissions=["delete"])
    def delete_each(self, request, queryset):
        for obj in queryset:
            try:
                self.delete(request, obj)
            except REFUSALS as exc:
                report_refusal(request, exc, prefix=f"“{obj}”: ")
            else:
                messages.success(request, f"Deleted “{obj}”.")

    actions = ["delete_each"]


@admin.register(Category)
class CategoryAdmin(ServiceAdmin):
    nav_section, nav_icon, nav_order = "content", "folder", 50
    list_display = ["name", "slug", "locale", "parent"]
    list_filter = ["locale"]
    list_select_related = ["locale", "parent"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    chooser_fields = ["parent"]  # content.admin.chooser
    fields = ["name", "slug", "locale", "parent", "description"]


@admin.register(Tag)
class TagAdmin(ServiceAdmin):
    nav_section, nav_icon, nav_order = "content", "sell", 51
    list_display = ["name", "slug", "locale"]
    list_filter = ["locale"]
    list_select_related = ["locale"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "locale"]


@admin.register(Locale)
class LocaleAdmin(ServiceAdmin):
    nav_section, nav_icon, nav_order = "settings", "translate", 50
    list_display = ["code", "name", "is_default"]
    search_fields = ["code", "name"]
    fields = ["code", "name", "is_default"]


@admin.register(Redirect)
class RedirectAdmin(ServiceAdmin):
    nav_section, nav_icon, nav_order = "content", "alt_route", 52
    list_display = ["old_path", "new_path", "locale", "is_permanent", "is_auto", "created_at"]
    list_filter = ["locale", "is_auto", "is_permanent"]
    list_select_related = ["locale"]
    search_fields = ["old_path", "new_path"]
    readonly_fields = ["is_auto", "created_at"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["old_path", "new_path", "locale", "is_permanent"]
        return ["old_path", "new_path", "is_permanent", "is_auto", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "old_path"] if obj else []

    def create(self, request, data):
        return redirects.redirect_create(actor=request.user, data=data)

    def update(self, request, obj, data):
        return redirects.redirect_update(redirect=obj, actor=request.user, data=data)

    def delete(self, request, obj):
        redirects.redirect_delete(redirect=obj, actor=request.user)
