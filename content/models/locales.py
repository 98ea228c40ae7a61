"""Locale: a language/region content is written in. Exactly one is the default."""

from __future__ import annotations

from django.db import models


class Locale(models.Model):
    code = models.CharField(max_length=16, unique=True, help_text='BCP 47, e.g. "en" or "fr-CA".')
    name = models.CharField(max_length=100)
    is_default = models.BooleanField(default=False)

    class Meta:
        ordering = ["-is_default", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="locale_single_default",
            )
        ]

    def __str__(self) -> str:
        return self.code
