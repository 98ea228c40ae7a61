"""Content types as data: types an Administrator defines at runtime, and their entries.

A `TypeDefinition` with its `FieldDefinition`s becomes a registered type (content.types)
when content.runtime loads it, so every capability (services, API, admin, workflows,
policies, delivery) applies to it as to the code-defined ones. Its entries are rows of
one table, `Entry`, each holding its own fields in `data`: a JSON document keyed by each
field's `key`, which never changes, so renaming a field moves no data and a removed
field's values stay in every entry and revision until an audited purge. No request
needs DDL.

Every change to a type is a numbered `TypeRevision` holding the whole definition.
`TypeRegistryState.version` moves in the same transaction as any change, so every process
notices it (content.runtime.registry) even when the change rolled back elsewhere.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from content.models.base import PublishableCore, core_constraints, core_indexes


class FieldKind(models.TextChoices):
    TEXT = "text", "Text"
    LONG_TEXT = "long_text", "Long text"
    RICH_TEXT = "rich_text", "Rich text"
    INTEGER = "integer", "Integer"
    DECIMAL = "decimal", "Decimal"
    BOOLEAN = "boolean", "Boolean"
    DATE = "date", "Date"
    DATETIME = "datetime", "Date and time"
    EMAIL = "email", "Email"
    URL = "url", "URL"
    CHOICE = "choice", "Choice"
    CHOICES = "choices", "Choices"
    MEDIA = "media", "Media"
    REFERENCE = "reference", "Reference"


class TypeDefinition(models.Model):
    # The API name: `entries/<api_id>/`, the delivery `type`, scopes' type lists.
    api_id = models.CharField("API id", max_length=40, unique=True)
    name = models.CharField(max_length=100)
    # Where entries are counted or listed ("Ferries"): given, or made from `name` by the
    # service (content.runtime.plurals) when left empty.
    name_plural = models.CharField("plural name", max_length=100, blank=True)
    description = models.TextField(blank=True)
    # The key of the text field whose value is an entry's title; blank: the core title.
    title_field = models.CharField(max_length=12, blank=True)
    # Entries have one version per locale (translations); otherwise the default locale only.
    localized = models.BooleanField(default=False)
    # The number of its latest TypeRevision.
    revision = models.PositiveIntegerField(default=0)
    # The next field key's number: keys are never reused, so old data never meets a new field.
    next_key = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "content type"

    def __str__(self) -> str:
        return self.name


class FieldDefinition(models.Model):
    definition = models.ForeignKey(TypeDefinition, on_delete=models.CASCADE, related_name="fields")
    # Where the value lives in Entry.data ("f3"); set once, never reused within the type.
    key = models.CharField(max_length=12)
    api_id = models.CharField("API id", max_length=40)
    label = models.CharField(max_length=100)
    help_text = models.CharField(max_length=500, blank=True)
    kind = models.CharField(max_length=16, choices=FieldKind.choices)
    required = models.BooleanField(default=False)
    unique = models.BooleanField(default=False)
    filterable = models.BooleanField(default=False)
    sortable = models.BooleanField(default=False)
    searchable = models.BooleanField(default=False)
    # What the kind takes: choices, min_length, max_length, min_value, max_value, pattern,
    # media_kinds, types (of references), many, min_items, max_items (content.runtime.kinds).
    options = models.JSONField(default=dict, blank=True)
    default = models.JSONField(null=True, blank=True)
    order = models.PositiveIntegerField(default=0)
    # Removed: hidden everywhere, its values kept until purged; clearing it undoes the removal.
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["definition", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["definition", "key"], name="field_key_per_type"),
            models.UniqueConstraint(
                fields=["definition", "api_id"],
                condition=models.Q(removed_at__isnull=True),
                name="field_api_id_per_type",
            ),
        ]

    def __str__(self) -> str:
        return self.api_id


class TypeRevision(models.Model):
    """A numbered, immutable copy of a type's whole definition after a change."""

    definition = models.ForeignKey(
        TypeDefinition, on_delete=models.CASCADE, related_name="revisions"
    )
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    message = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["definition", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["definition", "number"], name="type_revision_number")
        ]

    def __str__(self) -> str:
        return f"{self.definition_id} r{self.number}"


class TypeRegistryState(models.Model):
    """One row: moves with every change to a type, so each process reloads the registry."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    version = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"types version {self.version}"


# The class of each runtime type's entries (a proxy of Entry, by TypeDefinition id), filled
# by content.runtime.registry: a row read through Entry itself comes back as its type's.
ENTRY_CLASSES: dict[int, type[Entry]] = {}


class Entry(PublishableCore):
    definition = models.ForeignKey(TypeDefinition, on_delete=models.PROTECT, related_name="+")
    # The type's own fields by FieldDefinition.key.
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-updated_at"]
        indexes = [
            *core_indexes("entry"),
            models.Index(fields=["definition", "-updated_at"], name="entry_type_upd"),
        ]
        constraints = [
            *core_constraints("entry"),
            models.UniqueConstraint(
                fields=["definition", "locale", "slug"],
                condition=models.Q(deleted_at__isnull=True),
                name="entry_slug_per_type_locale",
            ),
        ]

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        if cls is Entry:
            # Read generically (a revision's entry, a submission's): give it its type's class.
            typed = ENTRY_CLASSES.get(instance.__dict__.get("definition_id"))
            if typed is not None:
                instance.__class__ = typed
        return instance
