"""Redirect: an old public path that now leads elsewhere.

Either `new_path` or a target item (content type + id, so it follows later moves).
`is_auto` marks the ones content.services.redirects created when a published slug or
path changed; editors may add manual ones.
"""

from __future__ import annotations

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models


class Redirect(models.Model):
    old_path = models.CharField(max_length=1024)
    new_path = models.CharField(max_length=1024, blank=True)
    target_content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    target_object_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("target_content_type", "target_object_id")
    locale = models.ForeignKey("content.Locale", on_delete=models.CASCADE, related_name="+")
    is_permanent = models.BooleanField(default=True)
    is_auto = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["old_path"]
        constraints = [
            models.UniqueConstraint(fields=["locale", "old_path"], name="redirect_unique_path")
        ]
        indexes = [models.Index(fields=["new_path"], name="redirect_new_path")]

    def __str__(self) -> str:
        return f"{self.old_path} → {self.new_path}"
