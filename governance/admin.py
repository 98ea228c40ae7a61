"""Governance in the admin. The audit log is read-only, with filters and CSV export."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from config.admin_services import (
    SERVICE_ERRORS,
    ServiceFormAdminMixin,
    error_messages,
    report_refusal,
)
from content.types import entry_types
from governance import (
    admin_beat,  # noqa: F401 (audits beat's schedule admins)
    admin_panels,
    admin_workflows,  # noqa: F401 (registers the workflow admins)
)
from governance.admin_readonly import ReadOnlyAdmin
from governance.exports import audit_export_response
from governance.models import AuditEvent, Webhook, WebhookDelivery
from governance.models.policies import (
    ContentPolicy,
    ExternalLinkCheck,
    PolicyOverride,
    PolicyResult,
)
from governance.models.webhooks import WebhookEventType
from governance.services import policies as policy_services
from governance.services import webhooks as services


def type_labels() -> list[tuple[str, str]]:
    """Every registered type, by API name and label (read when a form is shown)."""
    return [(t.api_name, t.display_label) for t in entry_types()]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
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


class WebhookForm(forms.ModelForm):
    url = forms.URLField(max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(
        choices=WebhookEventType.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Leave empty to receive every event.",
    )

    class Meta:
        model = Webhook
        fields = ["name", "url", "events", "is_active"]


class DeliveryInline(admin.TabularInline):
    model = WebhookDelivery
    fields = ["event", "status", "attempts", "last_status_code", "last_error", "delivered_at"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True
    ordering = ["-id"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("event")


@admin.register(Webhook)
class WebhookAdmin(ServiceFormAdminMixin, admin.ModelAdmin):
    form = WebhookForm
    list_display = ["name", "url", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "url"]
    readonly_fields = ["secret", "created_by", "created_at", "updated_at"]
    inlines = [DeliveryInline]

    def save_model(self, request, obj, form, change):
        data = {f: form.cleaned_data[f] for f in ("name", "url", "events", "is_active")}
        if change:
            form.instance = services.webhook_update(
                actor=request.user, webhook=Webhook.objects.get(pk=obj.pk), data=data
            )
        else:
            form.instance = services.webhook_create(actor=request.user, **data)
        obj.pk = form.instance.pk

    def save_formset(self, request, form, formset, change):
        """Deliveries are a read-only log."""

    def delete_model(self, request, obj):
        services.webhook_delete(actor=request.user, webhook=obj)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "webhook",
        "event",
        "status",
        "attempts",
        "last_status_code",
        "next_attempt_at",
        "delivered_at",
    ]
    list_filter = ["status", "webhook"]
    list_select_related = ["webhook", "event"]
    show_full_result_count = False
    actions = ["redeliver"]

    def has_change_permission(self, request, obj=None):
        # Redelivery is a change; the record itself stays read-only.
        return admin.ModelAdmin.has_change_permission(self, request, obj)

    @admin.action(description="Redeliver selected deliveries", permissions=["change"])
    def redeliver(self, request, queryset):
        for delivery in queryset:
            try:
                services.webhook_delivery_redeliver(actor=request.user, delivery=delivery)
            except SERVICE_ERRORS as exc:
                report_refusal(request, exc, prefix=f"Delivery {delivery.pk}: ")
        messages.success(request, "Queued the selected deliveries again.")


# --- Content policies -------------------------------------------------------------------


class ContentPolicyForm(forms.ModelForm):
    params = forms.JSONField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 60}),
        help_text=(
            'JSON, per kind. Examples: banned_terms {"terms": ["foo"]}; required_fields '
            '{"fields": ["summary", "seo_title"]}; length_limits {"title": {"max": 70}}; '
            'readability {"min_score": 50}; external_links {"timeout": 5}.'
        ),
    )
    content_types = forms.MultipleChoiceField(
        choices=type_labels,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Leave empty for every type.",
    )

    class Meta:
        model = ContentPolicy
        fields = [
            "name",
            "kind",
            "params",
            "severity",
            "content_types",
            "category",
            "page_subtree",
            "is_active",
        ]

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            cleaned.update(policy_services.policy_clean(cleaned))
        except SERVICE_ERRORS as exc:
            for field, msgs in error_messages(exc).items():
                for msg in msgs:
                    self.add_error(field if field in self.fields else None, msg)
        return cleaned


@admin.register(ContentPolicy)
class ContentPolicyAdmin(ServiceFormAdminMixin, admin.ModelAdmin):
    form = ContentPolicyForm
    list_display = ["name", "kind", "severity", "is_active", "category", "page_subtree"]
    list_filter = ["kind", "severity", "is_active"]
    search_fields = ["name"]
    autocomplete_fields = ["category", "page_subtree"]
    readonly_fields = ["created_by", "created_at", "updated_at"]

    def save_model(self, request, obj, form, change):
        data = {f: form.cleaned_data.get(f) for f in policy_services.POLICY_FIELDS}
        if change:
            form.instance = policy_services.policy_update(
                actor=request.user, policy=ContentPolicy.objects.get(pk=obj.pk), data=data
            )
        else:
            form.instance = policy_services.policy_create(actor=request.user, data=data)
        obj.pk = form.instance.pk

    def delete_model(self, request, obj):
        policy_services.policy_delete(actor=request.user, policy=obj)

    def delete_queryset(self, request, queryset):
        for policy in queryset:
            policy_services.policy_delete(actor=request.user, policy=policy)


@admin.register(PolicyResult)
class PolicyResultAdmin(ReadOnlyAdmin):
    list_display = ["revision", "policy", "passed", "checked_at"]
    list_filter = ["passed", "policy__severity", "policy"]
    list_select_related = ["revision__content_type", "policy"]
    date_hierarchy = "checked_at"
    show_full_result_count = False

    def get_urls(self):
        # "Check now" from the item's policy panel.
        view = admin_panels.policy_check_view
        urls = admin_panels.entry_urls(self.admin_site, "policyresult", view)
        return [*urls, *super().get_urls()]


@admin.register(PolicyOverride)
class PolicyOverrideAdmin(ReadOnlyAdmin):
    """Read-only; overrides are made from the item's policy panel (admin_panels)."""

    list_display = ["revision", "actor", "created_at"]
    list_select_related = ["revision__content_type", "actor"]
    search_fields = ["reason"]
    date_hierarchy = "created_at"

    def get_urls(self):
        # Overrides posted from the item's policy panel.
        view = admin_panels.policy_override_view
        urls = admin_panels.entry_urls(self.admin_site, "policyoverride", view)
        return [*urls, *super().get_urls()]


@admin.register(ExternalLinkCheck)
class ExternalLinkCheckAdmin(ReadOnlyAdmin):
    """Outbound links' last known state; "Revisions" counts the revisions whose body holds it."""

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
