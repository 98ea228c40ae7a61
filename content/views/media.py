"""Media: multipart upload, metadata, deletion (409 while used) and where it is used."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from accounts.permissions import HasModelPermission
from content import selectors, services
from content.filters import MediaFilter
from content.serializers.media import (
    MediaAssetSerializer,
    MediaUpdateSerializer,
    MediaUploadSerializer,
    UsageSerializer,
)
from content.services.references import usage_entries
from core.parsers import JSONParser


@extend_schema_view(
    create=extend_schema(
        request={"multipart/form-data": MediaUploadSerializer},
        responses={201: MediaAssetSerializer, 200: MediaAssetSerializer},
    ),
    partial_update=extend_schema(request=MediaUpdateSerializer),
    destroy=extend_schema(responses={204: None}),
)
@extend_schema(tags=["media"])
class MediaViewSet(viewsets.ModelViewSet):
    """Images and documents. Uploading the same bytes twice returns the existing asset (200)."""

    permission_classes = [HasModelPermission]
    permission_model = "content.mediaasset"
    action_permissions = {"usage": "view"}
    serializer_class = MediaAssetSerializer
    filterset_class = MediaFilter
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    # Uploads are multipart; metadata updates are JSON (a JSON POST lacks `file`: 400).
    parser_classes = [MultiPartParser, JSONParser]
    extra_error_statuses = {"409": "The media is in use."}

    def get_queryset(self):
        return selectors.media_list()

    def create(self, request, *args, **kwargs):
        serializer = MediaUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        upload = data.pop("file")
        asset, created = services.media_upload(actor=request.user, file=upload, data=data)
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(MediaAssetSerializer(asset).data, status=code)

    def partial_update(self, request, *args, **kwargs):
        serializer = MediaUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        asset = services.media_update(
            asset=self.get_object(), actor=request.user, data=dict(serializer.validated_data)
        )
        return Response(MediaAssetSerializer(asset).data)

    def destroy(self, request, *args, **kwargs):
        services.media_delete(asset=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses={200: UsageSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def usage(self, request, pk=None):
        """Every item that uses this media, and in which field."""
        rows = usage_entries(target=self.get_object())
        return Response(
            {
                "results": UsageSerializer(rows, many=True).data,
                "count": len(rows),
                "next": None,
                "previous": None,
            }
        )
