"""Webhooks in the API: configure them, read and redeliver their deliveries."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.permissions import HasModelPermission, RejectApiKeys
from governance.webhooks import selectors, services
from governance.webhooks.serializers import (
    WebhookCreatedSerializer,
    WebhookDeliverySerializer,
    WebhookSerializer,
    WebhookWriteSerializer,
)


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
