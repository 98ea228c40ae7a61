"""Webhooks in the admin: configured through the services, deliveries read-only."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from unfold.admin import ModelAdmin, TabularInline

from core.admin_forms import UnfoldWidgetsMixin
from core.admin_readonly import ReadOnlyAdmin
from core.admin_services import SERVICE_ERRORS, ServiceFormAdminMixin, report_refusal
from governance.models import Webhook, WebhookDelivery
from governance.webhooks import services
from governance.webhooks.models import WebhookEventType


class WebhookForm(UnfoldWidgetsMixin, forms.ModelForm):
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


class DeliveryInline(TabularInline):
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
class WebhookAdmin(ServiceFormAdminMixin, ModelAdmin):
    nav_section, nav_icon, nav_order = "governance", "webhook", 50
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
    nav_section, nav_icon, nav_order = "governance", "outbox", 51
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
