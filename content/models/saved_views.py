"""Saved views: a changelist's filters, search, ordering and columns under a name.

A view belongs to its owner; sharing it with roles (groups) lets their members open it
too, never change it. `query` is the changelist's query string as the admin reads it;
`columns` the subset of the changelist's columns to show (empty: the admin's default).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class SavedView(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views"
    )
    name = models.CharField(max_length=100)
    # The changelist: the admin's app label and model name (admin:<app>_<model>_changelist).
    app_label = models.CharField(max_length=100)
    model_name = models.CharField(max_length=100)
    query = models.TextField(blank=True)
    columns = models.JSONField(default=list, blank=True)
    roles = models.ManyToManyField(
        "auth.Group",
        blank=True,
        related_name="+",
        help_text="Members of these roles see the view too; only you can change it.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "app_label", "model_name", "name"],
                name="saved_view_unique_name",
            )
        ]

    def __str__(self) -> str:
        return self.name
