"""The delivery read model: one row per published item, holding its public JSON.

Delivery endpoints read only this table, so drafts cannot leak. Rows are written by
content.delivery.services when an item is published and removed when it goes offline.
`summary_json` and `detail_json` are pre-rendered JSON text, so a list response joins
strings instead of serialising objects. On PostgreSQL a generated `search_vector`
column with a GIN index (added by migration, not declared here) backs full-text search.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone


class ServedSnapshots(models.Manager):
    """The rows delivery may serve right now: not past their item's expiry, even in the
    minute before the scheduler takes the item offline."""

    def get_queryset(self):
        return self.at(timezone.now())

    def at(self, moment):
        """The rows servable at `moment`: a datetime, or an expression giving one."""
        unexpired = Q(expire_at__isnull=True) | Q(expire_at__gt=moment)
        return super().get_queryset().filter(unexpired)


class DeliverySnapshot(models.Model):
    # The type's api_name (content.types); runtime types' api_ids have up to 40 characters.
    kind = models.CharField(max_length=40)
    object_id = models.PositiveBigIntegerField()
    revision_id = models.PositiveBigIntegerField()
    locale = models.CharField(max_length=16)
    translation_key = models.UUIDField()
    slug = models.CharField(max_length=255)
    url_path = models.CharField(max_length=1024)
    # Types in a tree only (pages): the materialised tree path, parent and sibling order.
    tree_path = models.CharField(max_length=255, blank=True)
    parent_id = models.PositiveBigIntegerField(null=True, blank=True)
    sort_order = models.PositiveIntegerField(default=0)
    category_slug = models.CharField(max_length=150, blank=True)
    title = models.CharField(max_length=255)
    published_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    expire_at = models.DateTimeField(null=True, blank=True)
    search_text = models.TextField(blank=True)
    summary_json = models.TextField()
    detail_json = models.TextField()

    objects = models.Manager()  # every row: for the writers
    served = ServedSnapshots()  # for every delivery read

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="snapshot_one_per_item")
        ]
        indexes = [
            models.Index(
                fields=["kind", "locale", "-published_at", "-id"], name="snapshot_kind_pub"
            ),
            models.Index(fields=["kind", "-published_at", "-id"], name="snapshot_pub"),
            models.Index(fields=["kind", "locale", "slug"], name="snapshot_slug"),
            models.Index(fields=["kind", "locale", "url_path"], name="snapshot_url"),
            models.Index(
                fields=["kind", "category_slug", "-published_at"], name="snapshot_category"
            ),
            models.Index(fields=["parent_id", "sort_order"], name="snapshot_parent"),
            models.Index(fields=["kind", "title"], name="snapshot_title"),
            models.Index(fields=["expire_at"], name="snapshot_expiry"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}: {self.title}"


class SnapshotFacet(models.Model):
    """A many-valued filter value of a snapshot: its tag slugs and author ids."""

    snapshot = models.ForeignKey(DeliverySnapshot, on_delete=models.CASCADE, related_name="facets")
    name = models.CharField(max_length=16)  # "tag" or "author"
    value = models.CharField(max_length=150)

    class Meta:
        indexes = [models.Index(fields=["name", "value", "snapshot"], name="facet_lookup")]

    def __str__(self) -> str:
        return f"{self.name}={self.value}"


class SnapshotValue(models.Model):
    """A typed value of a snapshot that delivery filters or orders on: a runtime type's
    filterable or sortable field (content.delivery.runtime), one row per value (a choices
    field or a list of references has several). `name` is "<kind>.<field key>": keys never
    change, so a field's rows survive a rename. Exactly one of the value columns is set;
    each has its own index led by the name, so a filter is an index range scan whatever
    the type, and no type needs DDL of its own (docs/content-types.md)."""

    snapshot = models.ForeignKey(
        DeliverySnapshot, on_delete=models.CASCADE, related_name="indexed_values"
    )
    name = models.CharField(max_length=56)
    # NULL, not "": the row holds a value of another column.
    text = models.CharField(max_length=255, null=True, blank=True)  # noqa: DJ001
    number = models.DecimalField(max_digits=38, decimal_places=10, null=True, blank=True)
    moment = models.DateTimeField(null=True, blank=True)
    boolean = models.BooleanField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["name", "text", "snapshot"], name="value_text"),
            models.Index(fields=["name", "number", "snapshot"], name="value_number"),
            models.Index(fields=["name", "moment", "snapshot"], name="value_moment"),
            models.Index(fields=["name", "boolean", "snapshot"], name="value_boolean"),
        ]

    def __str__(self) -> str:
        return f"{self.name}={self.text or self.number or self.moment or self.boolean}"


class DeliveryState(models.Model):
    """One row: the content version that every cached delivery response is keyed under,
    and when the first served item expires.

    It lives in the database, not in the cache, because it must move in the same
    transaction as the snapshots it describes: an unpublish that commits has moved it, even
    when Redis is paused or down, so no cached response of the old version is served again
    once a process reads it (content.delivery.http, at most DELIVERY_LOCAL_CACHE_SECONDS
    later). Redis holds only responses, each tagged with the version it was built at.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    version = models.PositiveBigIntegerField(default=0)
    next_expiry = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"content version {self.version}"
