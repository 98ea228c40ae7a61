"""The audit log in the API: filter, page, export."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError

from accounts.permissions import HasModelPermission, RejectApiKeys
from governance.audit import selectors
from governance.audit.exports import EXPORT_FORMATS, audit_export_response
from governance.audit.filters import AuditEventFilter
from governance.audit.serializers import AuditEventSerializer


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
