"""The publishable core: fields every publishable type (Article, Page) shares.

The row always holds the *latest* (draft) content. What the public sees is the
snapshot of `live_revision`; editing never touches it until the next publish.
Transitions live in content.services.lifecycle, never here.

Fields: title, slug, locale, translation_key, owner, status, version, live_revision,
latest_revision, has_unpublished_changes, first_published_at, last_published_at,
publish_at, expire_at, deleted_at (trash) and trashed_live_revision, next_review_at,
seo_title, meta_description, og_image, body (list of blocks), created_at, updated_at, and
the edit lock (locked_by, locked_at, lock_expires_at: content.services.edit_locks).
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.db import models


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    APPROVED = "approved", "Approved"
    SCHEDULED = "scheduled", "Scheduled"
    PUBLISHED = "published", "Published"
    ARCHIVED = "archived", "Archived"


class PublishableCore(models.Model):
    if TYPE_CHECKING:
        from typing import Self

        # Each concrete type has Django's default manager; the stubs give abstract models none.
        objects: ClassVar[models.Manager[Self]]

    title = models.CharField(max_length=255)
    slug = models.SlugField(max_length=255, allow_unicode=False)
    locale = models.ForeignKey("content.Locale", on_delete=models.PROTECT, related_name="+")
    # Translations of one item share a key; (translation_key, locale) is unique per type.
    translation_key = models.UUIDField(default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    # Bumped on every write; clients send it back (If-Match) so no update is ever lost.
    version = models.PositiveIntegerField(default=1, editable=False)
    live_revision = models.ForeignKey(
        "content.Revision", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    latest_revision = models.ForeignKey(
        "content.Revision", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # While in the trash: the revision that was live when the item was trashed, so that
    # restoring it can put that revision back live (content.services.trash). Indexed
    # partially (core_indexes): only trashed items that were live have one.
    trashed_live_revision = models.ForeignKey(
        "content.Revision",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    has_unpublished_changes = models.BooleanField(default=True)
    first_published_at = models.DateTimeField(null=True, blank=True)
    last_published_at = models.DateTimeField(null=True, blank=True)
    publish_at = models.DateTimeField(null=True, blank=True)
    expire_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    next_review_at = models.DateTimeField(null=True, blank=True)
    seo_title = models.CharField(max_length=255, blank=True)
    meta_description = models.CharField(max_length=500, blank=True)
    og_image = models.ForeignKey(
        "content.MediaAsset", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    body = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The edit lock: while it has not expired, only its holder saves or moves the item
    # along its lifecycle. Not content: taking or releasing it bumps neither `version`
    # nor `updated_at`, so nobody's open copy goes stale.
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    locked_at = models.DateTimeField(null=True, blank=True)
    lock_expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title

    @property
    def is_live(self) -> bool:
        return self.live_revision_id is not None and self.deleted_at is None


def core_indexes(prefix: str) -> list[models.Index]:
    """Indexes for what editors filter on and what the scheduler scans."""
    return [
        models.Index(fields=["status", "-updated_at"], name=f"{prefix}_status_upd"),
        models.Index(fields=["owner", "-updated_at"], name=f"{prefix}_owner_upd"),
        # The dashboard's "my drafts": one owner's items in one status, newest first.
        models.Index(fields=["owner", "status", "-updated_at"], name=f"{prefix}_owner_status"),
        models.Index(fields=["locale", "-updated_at"], name=f"{prefix}_locale_upd"),
        models.Index(fields=["-updated_at"], name=f"{prefix}_updated"),
        models.Index(
            fields=["publish_at"],
            name=f"{prefix}_publish_at",
            condition=models.Q(publish_at__isnull=False),
        ),
        models.Index(
            fields=["expire_at"],
            name=f"{prefix}_expire_at",
            condition=models.Q(expire_at__isnull=False),
        ),
        models.Index(
            fields=["deleted_at"],
            name=f"{prefix}_deleted_at",
            condition=models.Q(deleted_at__isnull=False),
        ),
        models.Index(fields=["next_review_at"], name=f"{prefix}_review_at"),
        models.Index(
            fields=["trashed_live_revision"],
            name=f"{prefix}_trashed_live",
            condition=models.Q(trashed_live_revision__isnull=False),
        ),
        # The few locked items: a user's deletion clears their locks without a scan.
        models.Index(
            fields=["locked_by"],
            name=f"{prefix}_locked_by",
            condition=models.Q(locked_by__isnull=False),
        ),
    ]


def core_constraints(prefix: str) -> list[models.BaseConstraint]:
    return [
        models.UniqueConstraint(
            fields=["translation_key", "locale"], name=f"{prefix}_translation_per_locale"
        ),
    ]
