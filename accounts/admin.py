"""Users, roles and API keys in the admin. Writes go through accounts.services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.models import Group
from django.http import HttpRequest
from unfold.admin import ModelAdmin

from accounts import (
    admin_security,  # noqa: F401 (themes axes' and the JWT admins)
    admin_sessions,  # noqa: F401 (each user's Sessions)
    extensions,
    key_limits,
    services,
    user_sessions,
)
from accounts.mfa.admin_security import SecurityPageMixin, security_nav_items
from accounts.models import ApiKey, ApiKeyScope, User
from accounts.roles import ROLE_NAMES
from core import admin_nav
from core.admin_forms import NoRelatedPopupsMixin, UnfoldWidgetsMixin
from core.admin_services import SERVICE_ERRORS, ServiceFormAdminMixin, report_refusal


class RolesField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(choices=[(r, r) for r in ROLE_NAMES], required=False, **kwargs)


class UserCreateForm(UnfoldWidgetsMixin, forms.ModelForm):
    password = forms.CharField(widget=forms.PasswordInput, strip=False)
    roles = RolesField()

    class Meta:
        model = User
        fields = ["email", "full_name"]


class UserChangeForm(UnfoldWidgetsMixin, forms.ModelForm):
    roles = RolesField()

    class Meta:
        model = User
        fields = ["email", "full_name", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["roles"].initial = self.instance.roles


class PanelsAdminMixin:
    """A change page that shows the panels other apps register (accounts.extensions)."""

    change_form_template = "admin/accounts/change_form.html"
    panels_of: Callable[[HttpRequest, Any], list[dict[str, Any]]]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["folio_panels"] = [] if obj is None else self.panels_of(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)


@admin.register(User)
class UserAdmin(SecurityPageMixin, PanelsAdminMixin, ServiceFormAdminMixin, ModelAdmin):
    nav_section, nav_icon, nav_order = "settings", "person", 10
    panels_of = staticmethod(extensions.user_panels)
    list_display = ["email", "full_name", "role_list", "is_active", "last_login"]
    list_filter = ["is_active", "groups"]
    search_fields = ["email", "full_name"]
    ordering = ["email"]
    readonly_fields = ["last_login", "date_joined"]
    actions = ["deactivate_users", "end_all_sessions"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    def get_form(self, request, obj=None, **kwargs):
        kwargs["form"] = UserChangeForm if obj else UserCreateForm
        return super().get_form(request, obj, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": ["email", "full_name", "password", "roles"]})]
        return [
            (None, {"fields": ["email", "full_name", "is_active", "roles"]}),
            ("Activity", {"fields": ["last_login", "date_joined"]}),
        ]

    @admin.display(description="Roles")
    def role_list(self, obj: User) -> str:
        return ", ".join(obj.roles) or "—"

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            saved = services.user_update(
                actor=request.user,
                user=User.objects.get(pk=obj.pk),
                data={k: data[k] for k in ("email", "full_name", "is_active")},
                roles=data["roles"],
            )
        else:
            saved = services.user_create(
                actor=request.user,
                email=data["email"],
                password=data["password"],
                full_name=data["full_name"],
                roles=data["roles"],
            )
        # The admin logs the change and redirects using `obj`; point it at the saved row.
        obj.pk = saved.pk
        form.instance = saved

    def save_related(self, request, form, formsets, change):
        """Roles were saved by the service; nothing else is related."""

    @admin.action(description="Deactivate selected users", permissions=["change"])
    def deactivate_users(self, request, queryset):
        for user in queryset:
            try:
                services.user_deactivate(actor=request.user, user=user)
            except SERVICE_ERRORS as exc:
                report_refusal(request, exc, prefix=f"{user.email}: ")
            else:
                messages.success(request, f"Deactivated {user.email}.")

    @admin.action(description="End all sessions and API tokens", permissions=["change"])
    def end_all_sessions(self, request, queryset):
        for user in queryset:
            try:
                ended = user_sessions.user_sessions_end_all(actor=request.user, user=user)
            except SERVICE_ERRORS as exc:
                report_refusal(request, exc, prefix=f"{user.email}: ")
            else:
                messages.success(
                    request,
                    f"{user.email}: ended {ended['browser_sessions']} browser session(s) "
                    f"and {ended['refresh_tokens']} API token(s).",
                )


class NetworksFieldMixin(forms.Form):
    """`allowed_networks` as one CIDR range a line; accounts.key_limits checks them."""

    allowed_networks = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One CIDR range a line (10.0.0.0/8, 2001:db8::/32); empty: anywhere.",
    )

    def clean_allowed_networks(self) -> list[str]:
        return self.cleaned_data["allowed_networks"].split()


class ApiKeyCreateForm(NetworksFieldMixin, UnfoldWidgetsMixin, forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        choices=ApiKeyScope.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ApiKey
        fields = ["name", "user", "scopes", "expires_at", "rate_limit"]


class ApiKeyLimitsForm(NetworksFieldMixin, UnfoldWidgetsMixin, forms.ModelForm):
    """An issued key's own limits: the only thing about a key that can change."""

    rate_limit = forms.CharField(
        required=False, max_length=32, help_text=ApiKey._meta.get_field("rate_limit").help_text
    )

    class Meta:
        model = ApiKey
        fields: list[str] = []  # written by accounts.key_limits.api_key_set_limits only

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["rate_limit"] = self.instance.rate_limit
        self.initial["allowed_networks"] = "\n".join(self.instance.allowed_networks)


@admin.register(ApiKey)
class ApiKeyAdmin(NoRelatedPopupsMixin, ServiceFormAdminMixin, ModelAdmin):
    nav_section, nav_icon, nav_order = "settings", "key", 40
    list_display = [
        "name",
        "prefix",
        "user",
        "scopes",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
        "rate_limit",
    ]
    list_filter = ["revoked_at"]
    search_fields = ["name", "prefix", "user__email"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]
    readonly_fields = [
        "name",
        "prefix",
        "user",
        "scopes",
        "created_by",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    actions = ["revoke_keys"]
    form = ApiKeyCreateForm

    limit_fields = ["rate_limit", "allowed_networks"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        if obj.revoked_at is None and self.has_change_permission(request, obj):
            return self.readonly_fields
        return [*self.readonly_fields, *self.limit_fields]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["name", "user", "scopes", "expires_at", *self.limit_fields]
        return [*self.readonly_fields, *self.limit_fields]

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = ApiKeyLimitsForm if obj else ApiKeyCreateForm
        return super().get_form(request, obj, change=change, **kwargs)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            key_limits.api_key_set_limits(
                actor=request.user,
                api_key=obj,
                rate_limit=data.get("rate_limit"),
                allowed_networks=data.get("allowed_networks"),
            )
            return
        key, raw_key = services.api_key_create(
            actor=request.user,
            name=data["name"],
            scopes=data["scopes"],
            expires_at=data["expires_at"],
            user=data["user"],
            rate_limit=data["rate_limit"],
            allowed_networks=data["allowed_networks"],
        )
        form.instance = key
        obj.pk = key.pk
        messages.warning(request, f"Copy this key now; it will not be shown again: {raw_key}")

    @admin.action(description="Revoke selected keys", permissions=["change"])
    def revoke_keys(self, request, queryset):
        for key in queryset:
            services.api_key_revoke(actor=request.user, api_key=key)
        messages.success(request, f"Revoked {queryset.count()} key(s).")


admin.site.unregister(Group)


@admin.register(Group)
class RoleAdmin(PanelsAdminMixin, BaseGroupAdmin, ModelAdmin):
    """Roles are groups; their permissions come from accounts.roles, so they are read-only here."""

    nav_section, nav_icon, nav_order = "settings", "group", 20
    panels_of = staticmethod(extensions.group_panels)

    readonly_fields = ["name", "permissions"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# Everyone's own Security page (two-factor sign-in), in the sidebar's Settings.
admin_nav.register_items("settings", security_nav_items)
