"""AutosaveDraft: one editor's unsaved change form of one item, kept while they type.

Not a revision: nobody else sees it, it is overwritten every few seconds, and history
stays one revision per explicit save. Generic (content_type + object_id, as Revision)
so every publishable type shares one table; one slot per (user, item). Only
content.services.autosave writes it; an explicit save by its user clears it.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models


class AutosaveDraft(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    # The change form's fields as the browser holds them: {name: value or [values]}.
    data = models.JSONField(default=dict)
    # The item's version the form was loaded at: its save is refused once that is stale.
    base_version = models.PositiveIntegerField()
    saved_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "content_type", "object_id"], name="autosave_per_user_item"
            )
        ]

    def __str__(self) -> str:
        return f"autosave of {self.content_type_id}:{self.object_id} by {self.user_id}"
