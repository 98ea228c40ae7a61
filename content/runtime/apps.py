"""The app that holds the runtime types' entry classes: each type's entries are a proxy
of content.Entry under this app's label, so each has its own permissions
(`entries.publish_event`), admin pages (/admin/entries/event/) and content type. The app
has no models module and no migrations: its models exist only once loaded."""

from __future__ import annotations

from django.apps import AppConfig


def _sync(**kwargs) -> None:
    from content.runtime.registry import sync

    sync()


def _load_after_migrate(sender, **kwargs) -> None:
    from content.models import TypeDefinition
    from content.runtime.registry import ENTRY_CLASSES, ensure_permissions, sync

    # Before the roles are synced (accounts), so they keep their rights on runtime types.
    sync(force=True)
    if sender.label != "content":
        return  # post_migrate comes once per app; once is enough for what follows
    # Types defined before an action was added (`lock`) get its permission too.
    for definition in TypeDefinition.objects.filter(pk__in=list(ENTRY_CLASSES)):
        ensure_permissions(definition)


class RuntimeTypesConfig(AppConfig):
    name = "content.runtime"
    label = "entries"
    verbose_name = "Entries"

    def ready(self) -> None:
        from celery.signals import task_prerun
        from django.db.models.signals import post_migrate

        from content import types
        from content.runtime.registry import generation, sync_if_connected
        from core.schema_views import schema_depends_on

        types.set_loader(sync_if_connected)
        # The OpenAPI schema describes each runtime type: kept per state of the registry.
        schema_depends_on(generation)
        post_migrate.connect(_load_after_migrate, dispatch_uid="entries.load")
        # A worker runs each task with the types as they are now (within the lease).
        task_prerun.connect(_sync, dispatch_uid="entries.task_sync", weak=False)
