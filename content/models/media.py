"""MediaAsset (an uploaded image or document) and its Renditions.

Uploads are validated by content in content.services.media, deduplicated by sha256.
Fields: file, kind, title, alt_text, caption, credit, width, height, focal_point_x,
focal_point_y, size, sha256, mime_type, uploaded_by, created_at, updated_at.
Rendition: asset, spec (e.g. "fill-800x600|format-webp"), file, width, height.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class MediaKind(models.TextChoices):
    IMAGE = "image", "Image"
    DOCUMENT = "document", "Document"


class MediaAsset(models.Model):
    file = models.FileField(upload_to="media/%Y/%m/", max_length=255)
    kind = models.CharField(max_length=16, choices=MediaKind.choices)
    title = models.CharField(max_length=255)
    alt_text = models.CharField(max_length=500, blank=True)
    caption = models.CharField(max_length=1000, blank=True)
    credit = models.CharField(max_length=255, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    # The point to keep in view when cropping, in pixels of the original.
    focal_point_x = models.PositiveIntegerField(null=True, blank=True)
    focal_point_y = models.PositiveIntegerField(null=True, blank=True)
    size = models.PositiveBigIntegerField(editable=False)
    sha256 = models.CharField(max_length=64, unique=True, editable=False)
    mime_type = models.CharField(max_length=100, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "media asset"
        indexes = [
            models.Index(fields=["kind", "-created_at"], name="media_kind_created"),
            models.Index(fields=["-created_at"], name="media_created"),
        ]

    def __str__(self) -> str:
        return self.title


class Rendition(models.Model):
    asset = models.ForeignKey(MediaAsset, on_delete=models.CASCADE, related_name="renditions")
    spec = models.CharField(max_length=100)
    file = models.FileField(upload_to="renditions/%Y/%m/", max_length=255)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["asset", "spec"], name="rendition_unique_spec")
        ]

    def __str__(self) -> str:
        return f"{self.asset_id}:{self.spec}"
