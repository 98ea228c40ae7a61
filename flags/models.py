"""Which of waffle's flags frontends may read (delivery/flags/).

A row of its own rather than a field on the flag: waffle's Flag can be replaced by a
project's model (WAFFLE_FLAG_MODEL), but waffle's migrations create its own flag tables
anyway, whose foreign keys then stop PostgreSQL from emptying the user table (django-waffle
issue 338). Nor is the flag's `note` (free text for people) a place for a rule.
"""

from __future__ import annotations

from django.db import models


class PublicFlag(models.Model):
    """A flag listed at delivery/flags/, with its state for the visitor asking. Anyone can
    read a public flag's name. Written by flags.services with the flag's other settings."""

    flag = models.OneToOneField(
        "waffle.Flag", on_delete=models.CASCADE, primary_key=True, related_name="public_listing"
    )

    class Meta:
        verbose_name = "public flag"

    def __str__(self) -> str:
        return self.flag.name
