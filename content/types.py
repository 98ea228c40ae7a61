"""The registry of publishable types: one registration per type, read by every layer.

A type is a concrete `PublishableCore` model plus an `EntryType` that says what the rest of
Folio needs to know about it: its API names, which fields editors may write, what its
revisions keep, what delivery lists and filters, how its public URL is built, where it
lives for scopes (a page subtree, a category), its review interval, and the few places
where its own behaviour differs (`EntryBehaviour`: the page tree, for one).

Services, delivery, the management API, the admin, roles, workflows, policies and
export/import iterate over `entry_types()` or look a type up with `entry_type_for()`;
none of them names a concrete type. Adding a code-defined type takes a model, one
`register()` call in its app's `AppConfig.ready()`, and a migration.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from accounts.roles import register_publishable, unregister_publishable

if TYPE_CHECKING:
    from django.db.models import Model, QuerySet

    from content.models import PublishableCore, Revision

# Fields every type shares that editors write (PublishableCore).
CORE_EDITABLE = (
    "title",
    "slug",
    "body",
    "seo_title",
    "meta_description",
    "og_image",
    "next_review_at",
    "owner",
)
# Set when an item is created and never changed by an update.
CORE_CREATE_ONLY = ("locale", "translation_key")
# What every revision keeps of every type.
CORE_SNAPSHOT = (
    "title",
    "slug",
    "locale",
    "owner",
    "body",
    "seo_title",
    "meta_description",
    "og_image",
    "next_review_at",
)
# Delivery list items of every type start with these keys, in this order.
CORE_SUMMARY = (
    "id",
    "type",
    "title",
    "slug",
    "locale",
    "translation_key",
    "url",
    "published_at",
    "updated_at",
)


class EntryBehaviour:
    """Where a type's own behaviour plugs into the shared services. Every method has the
    default that suits a flat type (no tree, no parent); a type overrides what differs.

    Methods are called by content's services inside their transaction, with the row lock
    held where the service holds one.
    """

    def slug_clashes(self, entry: PublishableCore, queryset: QuerySet) -> QuerySet:
        """Narrow `queryset` (same type, locale, slug, not trashed) to the items whose slug
        would collide with `entry`'s: the whole locale by default, siblings for a tree."""
        return queryset

    def prepare_create(self, entry: PublishableCore, data: dict[str, Any], actor: Any) -> None:
        """Set what a new item needs before its first save, popping what it consumes from
        `data` (a page's parent and tree position)."""

    def after_save(self, entry: PublishableCore, changes: dict[str, Any], created: bool) -> None:
        """After a draft save (a page's URL paths follow its slug)."""

    def after_publish(
        self, entry: PublishableCore, revision: Revision, previous: Revision | None
    ) -> None:
        """After `revision` went live (`previous` was live before), inside the publish."""

    def trashed_with(self, entry: PublishableCore) -> QuerySet:
        """The items that went to the trash together with `entry` (a page's subtree)."""
        return type(entry).objects.none()

    def trashes_with(self, entry: PublishableCore) -> QuerySet:
        """The items not in the trash that go there with `entry` (a page's subtree), parents
        first."""
        return type(entry).objects.none()

    def check_trash(self, entry: PublishableCore, *, restricted: bool) -> None:
        """Refuse (ValidationError) a trash the type's structure forbids; `restricted` is an
        actor limited to their own drafts (an Author may not trash a page with subpages)."""

    def check_restore(self, entry: PublishableCore) -> None:
        """Refuse (ValidationError) a restore the type's structure forbids (a page whose
        parent is still in the trash)."""

    def after_restore(self, entry: PublishableCore) -> None:
        """After `entry` and the items trashed with it came back (a page's URL paths)."""

    def items_at(
        self, model: type[PublishableCore], paths: set[str], locale_code: str
    ) -> Iterable[tuple[str, int]]:
        """(path, id) of the items not in the trash whose public path is among `paths`, for a
        type whose path is not built from its slug (`EntryType.url_path` covers the others)."""
        return ()

    def export_items(self, queryset: QuerySet) -> QuerySet:
        """The items to export, in an order an import can follow (a parent page first)."""
        return queryset.order_by("pk")

    def export_record(self, entry: PublishableCore, record: dict[str, Any]) -> None:
        """Add to an export record what the type's import needs beyond its content."""

    def import_data(self, record: dict[str, Any], data: dict[str, Any], locale: Any) -> None:
        """Turn what `export_record` added into data for entry_create (a page's parent)."""

    def after_import(self, entry: PublishableCore, record: dict[str, Any]) -> PublishableCore:
        """Settle what creating could not (a page's position among its siblings)."""
        return entry

    def own_fields(self) -> tuple[str, ...]:
        """Input names the type takes beyond its model's fields (`fold` turns them into
        column values)."""
        return ()

    def media_used(self, snapshot: dict[str, Any]) -> set[tuple[int, str]]:
        """(media id, field name) of the media a revision's snapshot uses beyond the core
        fields and the body (content.services.references): a runtime type's media fields
        and the images in its rich text fields."""
        return set()

    def fold(self, entry: PublishableCore, data: dict[str, Any], *, created: bool) -> None:
        """Before a create or update applies `data`: turn the type's own fields that are not
        columns into column values (a runtime type's fields into its `data` document),
        validated; ValidationError names the field."""


@dataclass(frozen=True, kw_only=True)
class EntryType:
    """What every layer needs to know about one publishable type."""

    model: type[PublishableCore]
    # Singular API name: the delivery `type`, the snapshot kind, audit actions
    # ("article.publish"), webhook payloads, scopes' type lists. Code-defined types use
    # their model's name, so existing rows (snapshots, audit actions) keep their meaning.
    api_name: str
    # Plural: the URL segment of the management and delivery APIs ("articles").
    plural: str
    label: str = ""
    # Fields editors write beyond CORE_EDITABLE, and those set only on create.
    editable: tuple[str, ...] = ()
    create_only: tuple[str, ...] = ()
    # Fields revisions keep beyond CORE_SNAPSHOT (read-only ones included: a page's path).
    snapshot: tuple[str, ...] = ()
    # Many-to-many fields among `editable` (set after the row is saved).
    many_to_many: tuple[str, ...] = ()
    # Delivery: the keys of a list item beyond CORE_SUMMARY, and the relations `expand=`
    # may expand (the others come as ids).
    summary: tuple[str, ...] = ()
    relations: tuple[str, ...] = ()
    # The public path of an item with a given slug ("/articles/<slug>/"); None when the
    # type's path is not built from its slug alone (pages: from their ancestors). Built from
    # the slug alone, it is also read backwards (links to "/articles/x/"): `entry` may be None.
    url_path: Callable[[PublishableCore, str], str] | None = None
    # Delivery (content.delivery): the list filters the type takes beyond the common
    # parameters, by name from content.delivery.filters.FILTERS; whether the Atom feed
    # lists it; and its EntryDelivery subclass by dotted path, for what the generic one
    # does not do (payload extras beyond its snapshot fields as JSON, other URLs).
    delivery_filters: tuple[str, ...] = ()
    in_feed: bool = False
    delivery: str = ""
    behaviour: EntryBehaviour = field(default_factory=EntryBehaviour)
    # Where an item lives, for scopes (content.scope): the field holding its page-tree path
    # and the foreign key to its category; a type with neither lives in no section.
    section_path_field: str | None = None
    section_category_field: str | None = None
    # Days until an item is due for review; CONTENT_REVIEW_INTERVAL_DAYS[api_name] overrides.
    review_interval_days: int = 365
    # Editable fields a revert leaves as they are (an article's published date: the date
    # readers were shown does not move back with the content).
    keep_on_revert: tuple[str, ...] = ()
    # The layers' classes, by dotted path so importing the registry imports none of them.
    # Empty means the generic one built from the fields above.
    admin: str = ""
    serializer: str = ""
    create_serializer: str = ""
    update_serializer: str = ""
    filterset: str = ""
    # The management API's viewset to build on: an EntryViewSet subclass adding the type's
    # own actions (a page's `move/`). Empty means content.views.entries.EntryViewSet.
    viewset: str = ""
    # Defined at runtime (content.runtime): routed by `entries/<api_name>/`, not by its own
    # route set, and loaded from the database by every process.
    runtime: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def app_label(self) -> str:
        return self.model._meta.app_label

    @property
    def display_label(self) -> str:
        """`label`, or the model's plural verbose name ("Events")."""
        return self.label or str(self.model._meta.verbose_name_plural).capitalize()

    @property
    def editable_fields(self) -> tuple[str, ...]:
        return CORE_EDITABLE + self.editable

    @property
    def create_fields(self) -> tuple[str, ...]:
        return CORE_EDITABLE + self.editable + CORE_CREATE_ONLY + self.create_only

    @property
    def snapshot_fields(self) -> tuple[str, ...]:
        return CORE_SNAPSHOT + self.snapshot

    @property
    def summary_fields(self) -> tuple[str, ...]:
        return CORE_SUMMARY + self.summary

    def perm(self, action: str) -> str:
        """The Django permission for `action` (add, change, delete, view, publish, lock)."""
        return f"{self.app_label}.{action}_{self.model._meta.model_name}"

    def review_days(self) -> int:
        overrides = getattr(settings, "CONTENT_REVIEW_INTERVAL_DAYS", {})
        return overrides.get(self.api_name, self.review_interval_days)


_registry: dict[str, EntryType] = {}
_by_model: dict[type[Model], EntryType] = {}
_listeners: list[Callable[[EntryType], None]] = []
# Brings the runtime types up to date (content.runtime.registry.sync); cheap when they are.
_loader: list[Callable[[], None]] = []


def set_loader(loader: Callable[[], None]) -> None:
    _loader[:] = [loader]


def _current() -> None:
    for loader in _loader:
        loader()


def register(entry_type: EntryType) -> EntryType:
    """Add a type; call from its app's AppConfig.ready(). Names must be unique."""
    name = entry_type.api_name
    for other in _registry.values():
        if other.model is not entry_type.model and name in (other.api_name, other.plural):
            raise ImproperlyConfigured(f"Two publishable types are called {name!r}.")
    _registry[name] = entry_type
    _by_model[entry_type.model] = entry_type
    # The roles grant their publishable actions on every registered type.
    register_publishable(entry_type.app_label, entry_type.model._meta.model_name)
    for listener in _listeners:
        listener(entry_type)
    return entry_type


def unregister(api_name: str) -> None:
    """Remove a runtime type (deleted, renamed or reloaded); code-defined types stay."""
    entry_type = _registry.pop(api_name, None)
    if entry_type is not None:
        _by_model.pop(entry_type.model, None)
        unregister_publishable(entry_type.app_label, entry_type.model._meta.model_name)


def for_each_entry_type(callback: Callable[[EntryType], None]) -> None:
    """Call `callback(entry_type)` for every type registered so far and for each one
    registered later: the admin's autodiscovery runs before the apps' ready() register
    their types, so what is built per type at import time subscribes here."""
    _listeners.append(callback)
    for entry_type in entry_types():
        callback(entry_type)


def entry_types() -> Iterator[EntryType]:
    """Every registered type, in registration order."""
    _current()
    return iter(tuple(_registry.values()))


def entry_type(api_name: str) -> EntryType:
    """The type registered as `api_name`; LookupError if there is none."""
    _current()
    try:
        return _registry[api_name]
    except KeyError:
        raise LookupError(f"No publishable type is called {api_name!r}.") from None


def entry_type_for(entry_or_model: PublishableCore | type[PublishableCore]) -> EntryType:
    """The registration of an item or model."""
    model = entry_or_model if isinstance(entry_or_model, type) else type(entry_or_model)
    try:
        return _by_model[model]
    except KeyError:
        _current()
    try:
        return _by_model[model]
    except KeyError:
        raise LookupError(f"{model.__name__} is not a registered publishable type.") from None


def publishable_models() -> tuple[type[PublishableCore], ...]:
    """Every registered model (what the scheduler, rebuilds and reports iterate over)."""
    _current()
    return tuple(t.model for t in _registry.values())


def api_names() -> tuple[str, ...]:
    _current()
    return tuple(_registry)


def entry_type_choices() -> list[tuple[str, str]]:
    """(api_name, api_name) of every type: the choices of API fields that name a type, and
    so the values of the OpenAPI schema's shared EntryTypeEnum."""
    _current()
    return [(name, name) for name in _registry]


def api_name_of(content_type: Any) -> str:
    """The API name of the registered type a ContentType stands for ("article"); a model
    that is not (or no longer) registered answers with its model name."""
    try:
        return entry_type_for(content_type.model_class()).api_name
    except LookupError:
        return content_type.model
