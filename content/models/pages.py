"""Page: a publishable item in a tree (materialised path).

`path` is the concatenation of fixed-width steps (PAGE_STEPLEN base-36 characters),
one per level, so a subtree is `path__startswith=page.path` and `depth = len(path) //
steplen`. `sort_order` orders siblings. `url_path` ("/about/team/") is computed from
the ancestors' public slugs by content.services.pages; never set it by hand.
Slugs are unique per (locale, parent) among items not in the trash.
"""

from __future__ import annotations

from django.db import models

from content.models.base import PublishableCore, core_constraints, core_indexes

PAGE_STEPLEN = 4


class Page(PublishableCore):
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    path = models.CharField(max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(editable=False)
    sort_order = models.PositiveIntegerField(default=0)
    url_path = models.CharField(max_length=1024, editable=False, db_index=True)

    class Meta:
        ordering = ["path"]
        permissions = [
            ("publish_page", "Can publish, unpublish, schedule and move pages"),
            ("lock_page", "Can lock pages for editing and unlock anyone's"),
        ]
        indexes = [
            *core_indexes("page"),
            models.Index(fields=["parent", "sort_order"], name="page_parent_order"),
            models.Index(fields=["locale", "url_path"], name="page_locale_url"),
        ]
        constraints = [
            *core_constraints("page"),
            models.UniqueConstraint(
                fields=["locale", "parent", "slug"],
                condition=models.Q(deleted_at__isnull=True),
                name="page_slug_per_parent",
            ),
            # NULL parents never collide in a unique index, so roots need their own.
            models.UniqueConstraint(
                fields=["locale", "slug"],
                condition=models.Q(deleted_at__isnull=True, parent__isnull=True),
                name="page_root_slug_per_locale",
            ),
        ]
