"""Content policies in the admin: configured through the services, outcomes read-only."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from unfold.admin import ModelAdmin

from content.admin.list_filters import register_list_filter
from content.admin.scope import (
    ScopeFormMixin,
    scope_choice_field,
    scope_label,
    scope_types_field,
)
from core.admin_forms import BlankChoiceAdminMixin, UnfoldWidgetsMixin
from core.admin_readonly import ReadOnlyAdmin
from core.admin_services import (
    SERVICE_ERRORS,
    ServiceFormAdminMixin,
    error_messages,
)
from governance import panels
from governance.policies import configuration as policy_config
from governance.policies.list_filter import PolicyCheckFilter
from governance.policies.models import (
    ContentPolicy,
    ExternalLinkCheck,
    PolicyOverride,
    PolicyResult,
)


class ContentPolicyForm(UnfoldWidgetsMixin, ScopeFormMixin, forms.ModelForm):
    scope_names = policy_config.POLICY_SCOPE
    params = forms.JSONField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 60}),
        help_text=(
            'JSON, per kind. Examples: banned_terms {"terms": ["foo"]}; required_fields '
            '{"fields": ["summary", "seo_title"]}; length_limits {"title": {"max": 70}}; '
            'readability {"min_score": 50}; external_links {"timeout": 5}.'
        ),
    )
    content_types = scope_types_field()
    category = scope_choice_field(ContentPolicy, "category")
    page_subtree = scope_choice_field(ContentPolicy, "page")
    locale = scope_choice_field(ContentPolicy, "locale")

    class Meta:
        model = ContentPolicy
        fields = ["name", "kind", "params", "severity", *policy_config.POLICY_SCOPE, "is_active"]

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            cleaned.update(policy_config.policy_clean(cleaned))
        except SERVICE_ERRORS as exc:
            for field, msgs in error_messages(exc).items():
                for msg in msgs:
                    self.add_error(field if field in self.fields else None, msg)
        return cleaned


@admin.register(ContentPolicy)
class ContentPolicyAdmin(BlankChoiceAdminMixin, ServiceFormAdminMixin, ModelAdmin):
    nav_section, nav_icon, nav_order = "governance", "policy", 10
    form = ContentPolicyForm
    list_display = ["name", "kind", "severity", "is_active", "applies_to"]
    list_filter = ["kind", "severity", "is_active"]
    list_select_related = ["scope_page", "scope_category", "scope_locale"]
    search_fields = ["name"]
    readonly_fields = ["created_by", "created_at", "updated_at"]

    @admin.display(description="Applies to")
    def applies_to(self, obj) -> str:
        return scope_label(obj, empty="Everything")

    def save_model(self, request, obj, form, change):
        data = {f: form.cleaned_data.get(f) for f in policy_config.POLICY_FIELDS}
        if change:
            form.instance = policy_config.policy_update(
                actor=request.user, policy=ContentPolicy.objects.get(pk=obj.pk), data=data
            )
        else:
            form.instance = policy_config.policy_create(actor=request.user, data=data)
        obj.pk = form.instance.pk

    def delete_model(self, request, obj):
        policy_config.policy_delete(actor=request.user, policy=obj)

    def delete_queryset(self, request, queryset):
        for policy in queryset:
            policy_config.policy_delete(actor=request.user, policy=policy)


# Every type's list can be narrowed to the items failing their checks (saved views use it).
register_list_filter(PolicyCheckFilter)


@admin.register(PolicyResult)
class PolicyResultAdmin(ReadOnlyAdmin):
    nav_section, nav_icon, nav_order = "governance", "fact_check", 11
    list_display = ["revision", "policy", "passed", "checked_at"]
    list_filter = ["passed", "policy__severity", "policy"]
    list_select_related = ["revision__content_type", "policy"]
    date_hierarchy = "checked_at"
    show_full_result_count = False

    def get_urls(self):
        # "Check now" from the item's policy panel.
        view = panels.policy_check_view
        urls = panels.entry_urls(self.admin_site, "policyresult", view)
        return [*urls, *super().get_urls()]


@admin.register(PolicyOverride)
class PolicyOverrideAdmin(ReadOnlyAdmin):
    """Read-only; overrides are made from the item's policy panel (panels)."""

    nav_section, nav_icon, nav_order = "governance", "gavel", 12
    list_display = ["revision", "actor", "created_at"]
    list_select_related = ["revision__content_type", "actor"]
    search_fields = ["reason"]
    date_hierarchy = "created_at"

    def get_urls(self):
        # Overrides posted from the item's policy panel.
        view = panels.policy_override_view
        urls = panels.entry_urls(self.admin_site, "policyoverride", view)
        return [*urls, *super().get_urls()]


@admin.register(ExternalLinkCheck)
class ExternalLinkCheckAdmin(ReadOnlyAdmin):
    """Outbound links' last known state; "Revisions" counts the revisions whose body holds it."""

    nav_section, nav_icon, nav_order = "governance", "link_off", 13
    list_display = ["url", "ok", "status_code", "error", "checked_at", "revision_count"]
    list_filter = ["ok"]
    search_fields = ["url"]
    show_full_result_count = False
    # Not the revisions themselves: a link can be in thousands of them.
    fields = ["url", "ok", "status_code", "error", "checked_at", "revision_count"]
    readonly_fields = ["revision_count"]

    def get_queryset(self, request):
        # A correlated count, not a join: it costs nothing when the changelist counts rows.
        uses = (
            ExternalLinkCheck.revisions.through.objects.filter(externallinkcheck=OuterRef("pk"))
            .order_by()
            .values("externallinkcheck")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return super().get_queryset(request).annotate(revision_count=Coalesce(Subquery(uses), 0))

    @admin.display(description="Revisions", ordering="revision_count")
    def revision_count(self, obj) -> int:
        return obj.revision_count
