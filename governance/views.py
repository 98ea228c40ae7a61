"""Governance API."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import HasModelPermission, RejectApiKeys
from governance import reports, selectors
from governance.exports import EXPORT_FORMATS, audit_export_response
from governance.filters import AuditEventFilter
from governance.serializers import (
    AuditEventSerializer,
    WebhookCreatedSerializer,
    WebhookDeliverySerializer,
    WebhookSerializer,
    WebhookWriteSerializer,
)
from governance.services import webhooks as services


@extend_schema(tags=["governance"])
class AuditEventViewSet(viewsets.ReadOnlyModelViewSet):
    """The audit log (Administrators): filter it, page through it, export it."""

    permission_classes = [HasModelPermission, RejectApiKeys]
    permission_model = "governance.auditevent"
    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilter

    def get_queryset(self):
        return selectors.audit_event_list()

    @extend_schema(
        parameters=[
            OpenApiParameter("as", str, enum=list(EXPORT_FORMATS), required=True),
        ],
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="CSV export"),
            (200, "application/x-ndjson"): OpenApiResponse(
                OpenApiTypes.STR, description="JSON Lines export"
            ),
        },
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def export(self, request):
        """Download the filtered log as CSV (`?as=csv`) or JSON Lines (`?as=jsonl`)."""
        fmt = request.query_params.get("as")
        if fmt not in EXPORT_FORMATS:
            raise ValidationError({"as": [f"Choose one of: {', '.join(EXPORT_FORMATS)}."]})
        events = self.filter_queryset(self.get_queryset()).order_by("id").iterator(chunk_size=2000)
        return audit_export_response(events, fmt)


@extend_schema_view(
    create=extend_schema(request=WebhookWriteSerializer, responses={201: WebhookCreatedSerializer}),
    partial_update=extend_schema(request=WebhookWriteSerializer, responses=WebhookSerializer),
    update=extend_schema(request=WebhookWriteSerializer, responses=WebhookSerializer),
)
@extend_schema(tags=["webhooks"])
class WebhookViewSet(viewsets.ModelViewSet):
    """Webhooks (Administrators). The signing secret is returned once, on create."""

    permission_classes = [HasModelPermission, RejectApiKeys]
    permission_model = "governance.webhook"
    serializer_class = WebhookSerializer
    action_permissions = {"deliveries": "view", "redeliver": "change"}

    def get_queryset(self):
        return selectors.webhook_list()

    def create(self, request, *args, **kwargs):
        serializer = WebhookWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        webhook = services.webhook_create(actor=request.user, **serializer.validated_data)
        return Response(WebhookCreatedSerializer(webhook).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        serializer = WebhookWriteSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        webhook = services.webhook_update(
            actor=request.user, webhook=self.get_object(), data=dict(serializer.validated_data)
        )
        return Response(WebhookSerializer(webhook).data)

    def perform_destroy(self, instance):
        services.webhook_delete(actor=self.request.user, webhook=instance)

    @extend_schema(responses=WebhookDeliverySerializer(many=True))
    @action(detail=True, methods=["get"])
    def deliveries(self, request, pk=None):
        """The delivery log of this webhook, newest first."""
        page = self.paginate_queryset(selectors.webhook_delivery_list(webhook=self.get_object()))
        return self.get_paginated_response(WebhookDeliverySerializer(page, many=True).data)

    @extend_schema(request=None, responses=WebhookDeliverySerializer)
    @action(detail=True, methods=["post"], url_path=r"deliveries/(?P<delivery_id>\d+)/redeliver")
    def redeliver(self, request, pk=None, delivery_id=None):
        """Send a delivery again (for example from dead-letter)."""
        delivery = get_object_or_404(
            selectors.webhook_delivery_list(webhook=self.get_object()), pk=delivery_id
        )
        delivery = services.webhook_delivery_redeliver(actor=request.user, delivery=delivery)
        return Response(WebhookDeliverySerializer(delivery).data)


REPORTS = {
    "stale": lambda request: reports.stale_content(),
    "overdue-reviews": lambda request: reports.overdue_reviews(),
    "violations": lambda request: reports.policy_violations(),
    "activity": lambda request: [
        {"day": d.day.isoformat(), "published": d.published}
        for d in reports.publishing_activity(days=_days(request))
    ],
}


def _days(request) -> int:
    raw = request.query_params.get("days", "30")
    if not raw.isdigit() or not 1 <= int(raw) <= 366:
        raise ValidationError({"days": ["Must be a whole number from 1 to 366."]})
    return int(raw)


class ReportSerializer(serializers.Serializer):
    report = serializers.ChoiceField(choices=list(REPORTS))
    results = serializers.ListField(child=serializers.DictField())


@extend_schema(
    tags=["governance"],
    parameters=[
        OpenApiParameter(
            "name",
            str,
            OpenApiParameter.PATH,
            enum=["stale", "overdue-reviews", "violations", "activity"],
        ),
        OpenApiParameter("days", int, description="activity only: 1 to 366"),
    ],
    responses=ReportSerializer,
)
class ReportView(APIView):
    """Governance reports for anyone who reads content: `stale`, `overdue-reviews`,
    `violations` (policy results that did not pass) and `activity` (publishes per day)."""

    permission_classes = [HasModelPermission]
    permission_model = "content.article"

    def get(self, request, name: str):
        if name not in REPORTS:
            raise NotFound(f"Reports: {', '.join(REPORTS)}.")
        allowed = {"days"} if name == "activity" else set()
        unknown = set(request.query_params) - allowed
        if unknown:
            raise ValidationError({p: ["Unknown query parameter."] for p in sorted(unknown)})
        results = REPORTS[name](request)
        return Response(ReportSerializer({"report": name, "results": results}).data)
