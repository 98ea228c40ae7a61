"""Flags, switches and samples in the admin (Administrators: nobody else holds their
permissions), in the sidebar's Settings. Every save, delete and action goes through
flags.services, which checks it and writes the audit row; a refusal is shown on the form.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from unfold.admin import ModelAdmin
from unfold.widgets import UnfoldAdminTextInputWidget, UnfoldBooleanSwitchWidget
from waffle.models import Flag, Sample, Switch

from core.admin_forms import NoRelatedPopupsMixin
from core.admin_services import SERVICE_ERRORS, ServiceFormAdminMixin, report_refusal
from flags import services
from flags.capabilities import SWITCH_NAMES
from flags.models import PublicFlag
from flags.selectors import flag_is_public


class ToggleAdmin(NoRelatedPopupsMixin, ServiceFormAdminMixin, ModelAdmin):
    """Saves and deletes through flags.services (the one write path, audited)."""

    nav_section = "settings"
    search_fields = ["name", "note"]
    ordering = ["name"]
    readonly_fields = ["created", "modified"]

    def save_model(self, request, obj, form, change):
        fields = services.toggle_fields(self.model)
        data = {name: value for name, value in form.cleaned_data.items() if name in fields}
        related = {k: form.cleaned_data[k] for k in ("groups", "users") if k in form.cleaned_data}
        if change:
            saved = services.toggle_update(
                actor=request.user,
                toggle=self.model.objects.get(pk=obj.pk),
                data=data,
                **related,
            )
        else:
            saved = services.toggle_create(
                actor=request.user, model=self.model, data=data, **related
            )
        # The admin logs the change and redirects using `obj`; point it at the saved row.
        obj.pk = saved.pk
        form.instance = saved

    def save_related(self, request, form, formsets, change):
        """The service set a flag's groups and users."""

    def delete_model(self, request, obj):
        services.toggle_delete(actor=request.user, toggle=obj)

    def delete_queryset(self, request, queryset):
        for toggle in queryset:
            try:
                with transaction.atomic():
                    services.toggle_delete(actor=request.user, toggle=toggle)
            except SERVICE_ERRORS as exc:
                report_refusal(request, exc, prefix=f"{toggle.name}: ")

    def _update_each(self, request, queryset, data: dict, done: str) -> None:
        changed = 0
        for toggle in queryset:
            try:
                services.toggle_update(actor=request.user, toggle=toggle, data=data)
            except SERVICE_ERRORS as exc:
                report_refusal(request, exc, prefix=f"{toggle.name}: ")
            else:
                changed += 1
        if changed:
            messages.success(request, f"{done}: {changed}.")


class FlagForm(forms.ModelForm):
    public = forms.BooleanField(
        required=False,
        widget=UnfoldBooleanSwitchWidget,  # a toggle, as the flag's other yes/no fields
        help_text=(
            "Listed at /api/v1/delivery/flags/, with its state for the visitor asking. "
            "Anyone can read a public flag's name: leave internal flags private."
        ),
    )

    class Meta:
        model = Flag
        fields = [*services.toggle_fields(Flag), "groups", "users"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["public"].initial = flag_is_public(self.instance)


class PublicFilter(admin.SimpleListFilter):
    title, parameter_name = "public", "public"

    def lookups(self, request, model_admin):
        return [("yes", "Public"), ("no", "Private")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(public_listing__isnull=self.value() == "no")
        return queryset


@admin.register(Flag)
class FlagAdmin(ToggleAdmin):
    nav_icon, nav_order = "flag", 62
    form = FlagForm
    list_display = ["name", "is_public", "everyone", "percent", "authenticated", "note", "modified"]
    list_filter = [PublicFilter, "everyone", "authenticated", "staff", "superusers"]
    list_select_related = ["public_listing"]
    autocomplete_fields = ["groups", "users"]
    actions = ["turn_on_for_everyone", "turn_off_for_everyone", "follow_rules"]
    fieldsets = [
        (None, {"fields": ["name", "public", "note"]}),
        (
            "Who sees it",
            {
                "description": (
                    "Everyone Yes or No decides alone. Left Unknown, the flag is on for the "
                    "languages, groups, users and rights below, then for the percentage of "
                    "visitors (the same visitors each time: see the README's feature flags)."
                ),
                "fields": [
                    "everyone",
                    "percent",
                    "languages",
                    "groups",
                    "users",
                    "authenticated",
                    "staff",
                    "superusers",
                ],
            },
        ),
        ("History", {"fields": ["created", "modified"]}),
    ]

    @admin.display(description="Public", boolean=True)
    def is_public(self, obj: Flag) -> bool:
        try:
            return isinstance(obj.public_listing, PublicFlag)
        except PublicFlag.DoesNotExist:
            return False

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "languages":  # a short list ("fr, de") in a TextField
            kwargs["widget"] = UnfoldAdminTextInputWidget
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.action(description="Turn on for everyone", permissions=["change"])
    def turn_on_for_everyone(self, request, queryset):
        self._update_each(request, queryset, {"everyone": True}, "Turned on for everyone")

    @admin.action(description="Turn off for everyone", permissions=["change"])
    def turn_off_for_everyone(self, request, queryset):
        self._update_each(request, queryset, {"everyone": False}, "Turned off for everyone")

    @admin.action(description="Follow the rules (Everyone: unknown)", permissions=["change"])
    def follow_rules(self, request, queryset):
        self._update_each(request, queryset, {"everyone": None}, "Following their rules")


@admin.register(Switch)
class SwitchAdmin(ToggleAdmin):
    nav_icon, nav_order = "toggle_on", 63
    list_display = ["name", "active", "note", "modified"]
    list_filter = ["active"]
    fields = ["name", "active", "note", "created", "modified"]
    actions = ["turn_on", "turn_off"]

    def has_delete_permission(self, request, obj=None):
        # Folio's own switches are turned off, never deleted (flags.capabilities).
        if obj is not None and obj.name in SWITCH_NAMES:
            return False
        return super().has_delete_permission(request, obj)

    @admin.action(description="Turn on", permissions=["change"])
    def turn_on(self, request, queryset):
        self._update_each(request, queryset, {"active": True}, "Turned on")

    @admin.action(description="Turn off", permissions=["change"])
    def turn_off(self, request, queryset):
        self._update_each(request, queryset, {"active": False}, "Turned off")


@admin.register(Sample)
class SampleAdmin(ToggleAdmin):
    nav_icon, nav_order = "percent", 64
    list_display = ["name", "percent", "note", "modified"]
    fields = ["name", "percent", "note", "created", "modified"]
