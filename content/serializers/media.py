"""Media assets: output, multipart upload, metadata update, usage rows."""

from __future__ import annotations

from rest_framework import serializers

from content.models import MediaAsset
from core.serializers import StrictSerializer


class MediaAssetSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = MediaAsset
        fields = [
            "id",
            "kind",
            "title",
            "alt_text",
            "caption",
            "credit",
            "url",
            "width",
            "height",
            "focal_point_x",
            "focal_point_y",
            "size",
            "sha256",
            "mime_type",
            "uploaded_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_url(self, obj: MediaAsset) -> str:
        return obj.file.url if obj.file else ""


class MediaUploadSerializer(StrictSerializer):
    file = serializers.FileField(allow_empty_file=False, max_length=255)
    title = serializers.CharField(max_length=255, required=False, allow_blank=True)
    alt_text = serializers.CharField(max_length=500, required=False, allow_blank=True)
    caption = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    credit = serializers.CharField(max_length=255, required=False, allow_blank=True)


class MediaUpdateSerializer(StrictSerializer):
    title = serializers.CharField(max_length=255, required=False)
    alt_text = serializers.CharField(max_length=500, required=False, allow_blank=True)
    caption = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    credit = serializers.CharField(max_length=255, required=False, allow_blank=True)
    focal_point_x = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    focal_point_y = serializers.IntegerField(required=False, allow_null=True, min_value=0)


class UsageSerializer(serializers.Serializer):
    type = serializers.CharField()
    id = serializers.IntegerField()
    title = serializers.CharField(allow_null=True)
    status = serializers.CharField(allow_null=True)
    trashed = serializers.BooleanField()
    field = serializers.CharField()
