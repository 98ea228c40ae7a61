"""Article: a publishable item with summary, cover image, authors, category and tags.

Fields beyond the core: summary, cover_image, authors (M2M users), category, tags
(M2M), published_date. The slug is unique per locale among items not in the trash.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from content.models.base import PublishableCore, core_constraints, core_indexes


class Article(PublishableCore):
    summary = models.TextField(blank=True, max_length=2000)
    cover_image = models.ForeignKey(
        "content.MediaAsset", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    authors = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    category = models.ForeignKey(
        "content.Category",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="articles",
    )
    tags = models.ManyToManyField("content.Tag", blank=True, related_name="articles")
    # The date shown to readers; set on first publish when the editor left it empty.
    published_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at"]
        permissions = [
            ("publish_article", "Can publish, unpublish and schedule articles"),
            ("lock_article", "Can lock articles for editing and unlock anyone's"),
        ]
        indexes = [
            *core_indexes("article"),
            models.Index(fields=["category", "-updated_at"], name="article_category_upd"),
            models.Index(fields=["-published_date"], name="article_published_date"),
            # The admin changelist sorts by title both ways, with Django's -pk tiebreaker.
            models.Index(fields=["title", "-id"], name="article_title_asc"),
            models.Index(fields=["-title", "-id"], name="article_title_desc"),
        ]
        constraints = [
            *core_constraints("article"),
            models.UniqueConstraint(
                fields=["locale", "slug"],
                condition=models.Q(deleted_at__isnull=True),
                name="article_slug_per_locale",
            ),
        ]

    @property
    def url_path(self) -> str:
        """The public path of the article, used for redirects when its slug changes."""
        return f"/{settings.CONTENT_ARTICLE_PATH_PREFIX}/{self.slug}/"
