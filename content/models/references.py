"""Reference: "entry X uses object Y" (media, linked entries, category).

Rebuilt by content.services.references on every save and publish, from both the
latest and the live snapshot. Drives "where is this used", refuses deleting media
in use (409), and tells the delivery read model which snapshots to rebuild.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models


class Reference(models.Model):
    source_content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    source_object_id = models.PositiveBigIntegerField()
    target_content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    target_object_id = models.PositiveBigIntegerField()
    # Where in the source the target is used: "body", "cover_image", "og_image", "category".
    field = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "source_content_type",
                    "source_object_id",
                    "target_content_type",
                    "target_object_id",
                    "field",
                ],
                name="reference_unique",
            )
        ]
        indexes = [
            models.Index(
                fields=["target_content_type", "target_object_id"], name="reference_target"
            ),
            models.Index(
                fields=["source_content_type", "source_object_id"], name="reference_source"
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.source_content_type_id}:{self.source_object_id} uses "
            f"{self.target_content_type_id}:{self.target_object_id} ({self.field})"
        )
