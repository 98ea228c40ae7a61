"""Role grants in the admin (Administrators): a user or a group holds a role within a
section. Grants are created and deleted through content.services.grants; to change one,
delete it and grant again (as over the API)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from unfold.admin import ModelAdmin

from content.admin.chooser import ChooserAdminMixin
from content.admin.scope import ScopeFormMixin, scope_choice_field, scope_label, scope_types_field
from content.models import RoleGrant
from content.services import grants
from core.admin_forms import UnfoldWidgetsMixin
from core.admin_services import SERVICE_ERRORS, ServiceFormAdminMixin, error_messages


class RoleGrantForm(UnfoldWidgetsMixin, ScopeFormMixin, forms.ModelForm):
    scope_names = grants.GRANT_SCOPE
    content_types = scope_types_field()
    page_subtree = scope_choice_field(RoleGrant, "page")
    category = scope_choice_field(RoleGrant, "category")
    locale = scope_choice_field(RoleGrant, "locale")

    class Meta:
        model = RoleGrant
        fields = ["user", "group", "role", *grants.GRANT_SCOPE]

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            cleaned.update(grants.role_grant_clean(cleaned))
        except SERVICE_ERRORS as exc:
            for field, msgs in error_messages(exc).items():
                for msg in msgs:
                    self.add_error(field if field in self.fields else None, msg)
        return cleaned


@admin.register(RoleGrant)
class RoleGrantAdmin(ChooserAdminMixin, ServiceFormAdminMixin, ModelAdmin):
    nav_section, nav_icon, nav_order = "settings", "badge", 30
    form = RoleGrantForm
    list_display = ["holder", "role", "applies_to", "created_by", "created_at"]
    list_filter = ["role"]
    list_select_related = [
        "user",
        "group",
        "created_by",
        "scope_page",
        "scope_category",
        "scope_locale",
    ]
    search_fields = ["user__email", "user__full_name", "group__name"]
    chooser_fields = ["user", "group"]  # content.admin.chooser
    readonly_fields = ["created_by", "created_at"]

    @admin.display(description="Holder")
    def holder(self, obj: RoleGrant) -> str:
        return str(obj.user) if obj.user_id else f"Group: {obj.group}"

    @admin.display(description="Within")
    def applies_to(self, obj: RoleGrant) -> str:
        return scope_label(obj, empty="Everything")

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # delete and grant again

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data.get(name) for name in grants.GRANT_FIELDS}
        form.instance = grants.role_grant_create(actor=request.user, data=data)
        obj.pk = form.instance.pk

    def delete_model(self, request, obj):
        grants.role_grant_delete(actor=request.user, grant=obj)

    def delete_queryset(self, request, queryset):
        for grant in queryset:
            grants.role_grant_delete(actor=request.user, grant=grant)
