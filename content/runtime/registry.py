"""Runtime types in the type registry: every process holds the definitions it last loaded.

`sync()` is called before every registry lookup (content.types) and at the start of every
request (content.runtime.middleware). It reads `TypeRegistryState.version` at most once per
CONTENT_TYPES_CHECK_SECONDS and reloads every runtime type when the version differs from
the one loaded, so a type defined through one process reaches the others within that
lease, with no restart. The process that changes a type reloads at once (`load()`).

A type's entries are a proxy of `Entry` (app label "entries", model name from its api_id),
whose default manager holds only that type's rows; the proxy lives as long as the process,
so the admin, permissions and the ORM see one class per type.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, models, transaction

from content.models import Entry, FieldDefinition, TypeDefinition, TypeRegistryState
from content.models.typedefs import ENTRY_CLASSES
from content.runtime.behaviour import RuntimeBehaviour
from content.runtime.plurals import english_plural
from content.types import EntryType, entry_types, register, unregister

APP_LABEL = "entries"
_lock = threading.RLock()
# `generation` counts the reloads of this process (and forgets): what was built from the
# types (the OpenAPI schema) is kept by it.
_state = {"version": None, "checked": float("-inf"), "loading": False, "generation": 0}
# Called after every reload with the registered runtime types (the admin's pages), and
# with none after forget().
_reloaded: list[Callable[[list[EntryType]], None]] = []


def on_reload(callback: Callable[[list[EntryType]], None]) -> None:
    _reloaded.append(callback)


class TypedEntries(models.Manager):
    """The rows of one runtime type."""

    def __init__(self, definition_id: int):
        super().__init__()
        self.definition_id = definition_id

    def get_queryset(self):
        return super().get_queryset().filter(definition_id=self.definition_id)

    def deconstruct(self):  # never migrated (the app has no migrations), but Django asks
        return (False, "content.runtime.registry.TypedEntries", None, (self.definition_id,), {})


def model_name_for(api_id: str) -> str:
    return api_id.replace("_", "").lower()


def _class_name(api_id: str) -> str:
    return "".join(part.capitalize() for part in api_id.split("_"))


def _entry_class(definition: TypeDefinition) -> type[Entry]:
    """The type's proxy of Entry, made once per process and api_id."""
    existing = ENTRY_CLASSES.get(definition.pk)
    if existing is not None and existing._meta.model_name == model_name_for(definition.api_id):
        return existing
    from django.apps import apps

    name = _class_name(definition.api_id)
    model_name = name.lower()
    app_models = apps.all_models[APP_LABEL]
    if model_name in app_models:  # another type held this api_id before: make it ours
        del app_models[model_name]
        apps.clear_cache()
    meta = type(
        "Meta",
        (),
        {
            "proxy": True,
            "app_label": APP_LABEL,
            "verbose_name": definition.name,
            "permissions": [(f"publish_{model_name}", f"Can publish {definition.name}")],
        },
    )
    proxy = type(
        name,
        (Entry,),
        {"__module__": __name__, "Meta": meta, "objects": TypedEntries(definition.pk)},
    )
    ENTRY_CLASSES[definition.pk] = proxy
    return proxy


def _url_path(api_id: str):
    return lambda entry, slug: f"/{api_id}/{slug}/"


def registration(definition: TypeDefinition, fields: list[FieldDefinition]) -> EntryType:
    """The registry entry of a runtime type."""
    model = _entry_class(definition)
    model._meta.verbose_name = definition.name
    # Blank only on a row written around the service (content.runtime.definitions).
    model._meta.verbose_name_plural = definition.name_plural or english_plural(definition.name)
    live = tuple(f for f in fields if f.removed_at is None)
    return EntryType(
        model=model,
        api_name=definition.api_id,
        plural=definition.api_id,
        label=definition.name,
        editable=("data",),
        snapshot=("data",),
        url_path=_url_path(definition.api_id),
        behaviour=RuntimeBehaviour(definition, live, frozenset(f.key for f in fields)),
        runtime=True,
        extra={"definition": definition, "fields": live, "all_fields": tuple(fields)},
    )


def load() -> None:
    """Register every runtime type as the database holds it now (in this transaction)."""
    with _lock:
        if _state["loading"]:
            return
        _state["loading"] = True
        try:
            version = _read_version()
            # A change that rolled back may have left its content type's id in Django's
            # cache (ensure_permissions): the reload that notices the rollback drops it.
            ContentType.objects.clear_cache()
            definitions = list(TypeDefinition.objects.prefetch_related("fields"))
            fresh = [registration(d, list(d.fields.all())) for d in definitions]
            wanted = {t.api_name for t in fresh}
            for old in [t for t in entry_types() if t.runtime]:
                unregister(old.api_name)
                if old.api_name not in wanted:
                    ENTRY_CLASSES.pop(old.extra["definition"].pk, None)
            for entry_type in fresh:
                register(entry_type)
            _state["checked"] = time.monotonic()
            if connections[DEFAULT_DB_ALIAS].in_atomic_block:
                # Loaded inside a change that may still roll back (and another process may
                # then commit this same version number): known only once it commits.
                _state["version"] = None
                transaction.on_commit(lambda: _state.update(version=version))
            else:
                _state["version"] = version
            _state["generation"] += 1
        finally:
            _state["loading"] = False
    for callback in _reloaded:
        callback(fresh)


def _read_version() -> int:
    row = TypeRegistryState.objects.filter(pk=1).values_list("version", flat=True).first()
    return row or 0


def generation() -> int:
    """A number that changes whenever this process's runtime types do (a reload or a
    forget): unlike the database's version, it never repeats after a rolled-back change."""
    return _state["generation"]


def sync(*, force: bool = False) -> None:
    """Reload the runtime types if another process changed them (see the module doc)."""
    if _state["loading"]:
        return
    now = time.monotonic()
    if not force and now - _state["checked"] < settings.CONTENT_TYPES_CHECK_SECONDS:
        return
    _state["checked"] = now
    try:
        with transaction.atomic():
            version = _read_version()
    except DatabaseError:  # not migrated yet: no runtime types
        return
    if force or version != _state["version"]:
        load()


def sync_if_connected() -> None:
    """`sync()` for registry lookups: only over a connection already open, so importing the
    URLconf, a system check or a test without the database never opens one. Requests
    (content.runtime.middleware), Celery tasks and Folio's commands sync first."""
    if connections[DEFAULT_DB_ALIAS].connection is not None:
        sync()


def forget() -> None:
    """Drop every runtime type from this process's registry without reading the database
    (a test's rolled-back types); the next sync past the lease reloads."""
    if not ENTRY_CLASSES and _state["version"] is None:
        return  # nothing loaded: most tests
    # Their content types rolled back too: a cached id would be a dangling foreign key.
    ContentType.objects.clear_cache()
    with _lock:
        for old in [t for t in entry_types() if t.runtime]:
            unregister(old.api_name)
        ENTRY_CLASSES.clear()
        _state["version"] = None
        _state["generation"] += 1
    for callback in _reloaded:  # what was built per type (the admin's pages) goes too
        callback([])


# Every runtime type's permissions; Django creates a code type's from its Meta.
TYPE_ACTIONS = ("add", "change", "delete", "view", "publish", "lock")


def ensure_permissions(definition: TypeDefinition) -> None:
    """The new type's permissions (add, change, delete, view, publish, lock), and the roles'
    share of them (accounts.roles: every role acts on every registered type)."""
    from django.contrib.auth.models import Permission

    from accounts.services import roles_sync

    model = ENTRY_CLASSES[definition.pk]
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
    name = model._meta.model_name
    created = [
        Permission.objects.get_or_create(
            content_type=content_type,
            codename=f"{action}_{name}",
            defaults={"name": f"Can {action} {definition.name}"},
        )[1]
        for action in TYPE_ACTIONS
    ]
    if any(created):  # a new type (or api_id): the roles get their share; else they have it
        roles_sync()
