"""Content models, split by subdomain. Import from here: `from content.models import Revision`.

The publishable types are listed by the registry (content.types.publishable_models()).
"""

from __future__ import annotations

from content.models.articles import Article
from content.models.autosave import AutosaveDraft
from content.models.base import PublishableCore, Status
from content.models.bulk import BulkJob, BulkJobStatus, BulkRefusal
from content.models.grants import RoleGrant
from content.models.locales import Locale
from content.models.media import MediaAsset, MediaKind, Rendition
from content.models.pages import Page
from content.models.redirects import Redirect
from content.models.references import Reference
from content.models.releases import Release, ReleaseAction, ReleaseItem, ReleaseStatus
from content.models.revisions import Revision
from content.models.saved_views import SavedView
from content.models.scope import ScopedModel
from content.models.snapshots import (
    DeliverySnapshot,
    DeliveryState,
    SnapshotFacet,
    SnapshotValue,
)
from content.models.taxonomy import Category, Tag
from content.models.typedefs import (
    Entry,
    FieldDefinition,
    FieldKind,
    TypeDefinition,
    TypeRegistryState,
    TypeRevision,
)

__all__ = [
    "Article",
    "AutosaveDraft",
    "BulkJob",
    "BulkJobStatus",
    "BulkRefusal",
    "Category",
    "DeliverySnapshot",
    "DeliveryState",
    "Entry",
    "FieldDefinition",
    "FieldKind",
    "Locale",
    "MediaAsset",
    "MediaKind",
    "Page",
    "PublishableCore",
    "Redirect",
    "Reference",
    "Release",
    "ReleaseAction",
    "ReleaseItem",
    "ReleaseStatus",
    "Rendition",
    "Revision",
    "RoleGrant",
    "SavedView",
    "ScopedModel",
    "SnapshotFacet",
    "SnapshotValue",
    "Status",
    "Tag",
    "TypeDefinition",
    "TypeRegistryState",
    "TypeRevision",
]
