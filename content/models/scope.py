"""ScopedModel: the one stored shape of a scope (what a workflow, a policy or a role grant
covers). Matching, querying and validation live in content.scope."""

from __future__ import annotations

from django.db import models


class ScopedModel(models.Model):
    """Types, a page subtree, a category with its descendants, a locale; each part left
    empty covers everything, and the parts that are set must all hold."""

    scope_types = models.JSONField(
        default=list, blank=True, help_text="Type names (article, page); empty: every type."
    )
    scope_page = models.ForeignKey(
        "content.Page",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="Section: this page and every page below it.",
    )
    scope_category = models.ForeignKey(
        "content.Category",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="Section: articles in this category or any category below it.",
    )
    scope_locale = models.ForeignKey(
        "content.Locale",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Only items in this locale; empty: every locale.",
    )

    class Meta:
        abstract = True
