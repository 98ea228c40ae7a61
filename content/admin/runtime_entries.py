"""Entries of runtime types (content types as data) in the admin.

Each runtime type's entries are a proxy of Entry under the "entries" app label, so each
gets a GenericEntryAdmin at /admin/entries/<model>/ whose form has one input per live
type field (content.admin.runtime_fields) and saves through content.services.entries
like every other type; the service's errors, keyed by field api_id, land on those inputs.

These admins follow the registry, not the import: `admin_reload` is subscribed to
content.runtime.registry.on_reload and re-registers them after every reload. The admin's
URL patterns are built once, when the URLconf module is imported (`admin.site.urls`), so
after a change it re-imports ROOT_URLCONF and clears Django's resolver caches
(`urls_rebuild`): the next request resolves against the new patterns, while one already
resolving keeps the old, consistent set.
"""

from __future__ import annotations

import importlib
import sys

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import BadRequest
from django.urls import clear_url_caches

from content.admin.entries import GenericEntryAdmin, _named
from content.admin.forms import EntryForm
from content.admin.runtime_fields import (
    chosen_model,
    chosen_queryset,
    form_field,
    initial_value,
    service_value,
    shown_value,
)
from content.models import FieldKind
from content.types import EntryType, entry_type_for

# A read-only page shows each type field through the admin's display method of this
# name plus its api_id (runtime_admin_class): the entry has no attribute of that name.
SHOWN = "shown__"

# The models this module registered on each site, so a reload unregisters exactly those
# (a forgotten or renamed type's proxy is no longer in the registry).
_registered: dict[admin.AdminSite, list[type]] = {}


class RuntimeEntryForm(EntryForm):
    """EntryForm plus the type's fields (declared by `runtime_entry_form`), whose inputs
    show the entry's stored values."""

    type_fields: tuple = ()
    # No core body: a type's rich text fields are its own (edited with the same editor).
    body = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        stored = self.instance.data or {}
        for field in self.type_fields:
            if field.api_id in self.fields and field.key in stored:
                self.initial[field.api_id] = initial_value(field, stored[field.key])


def runtime_entry_form(entry_type: EntryType, chooser=None) -> type[RuntimeEntryForm]:
    """The type's form; `chooser(field)` gives the widget of a field chosen in the modal."""
    fields = entry_type.extra["fields"]
    meta = type("Meta", (), {"model": entry_type.model, "exclude": ["data", "definition"]})
    attrs = {
        f.api_id: form_field(f, chooser(f) if chooser and chosen_model(f) else None) for f in fields
    }
    return _named(
        f"{entry_type.model.__name__}Form",
        (RuntimeEntryForm,),
        Meta=meta,
        type_fields=tuple(fields),
        **attrs,
    )


class RuntimeEntryAdmin(GenericEntryAdmin):
    """A runtime type's entries: its fields come from the registry at each request, so a
    changed definition shows at once."""

    def _type(self) -> EntryType:
        return entry_type_for(self.model)

    def _type_field(self, api_id: str):
        return next((f for f in self._type().extra["fields"] if f.api_id == api_id), None)

    def _field_chooser(self, field):
        many = field.kind == FieldKind.REFERENCE and bool(field.options.get("many"))
        return self.chooser_widget(field.api_id, field.label, multiple=many)

    def chooser_target(self, request, field_name: str):
        """A media or single-type reference field of the type (by api_id), else a model
        field (owner, og_image)."""
        field = self._type_field(field_name)
        if field is None:
            return super().chooser_target(request, field_name)
        model = chosen_model(field)
        if model is None:
            raise BadRequest(f"“{field_name}” is not chosen in a modal here.")
        return chosen_queryset(field, self.related_choices(request, model))

    def entry_fieldsets(self, request, obj):
        entry_type = self._type()
        own = [f.api_id for f in entry_type.extra["fields"]]
        # With a title field the title is that field's value, not an input of its own.
        titled = bool(entry_type.extra["definition"].title_field)
        if obj is not None and not self.has_change_permission(request, obj):
            own = [SHOWN + name for name in own]
        (name, options), *rest = super().entry_fieldsets(request, obj)
        main = [*([] if titled else ["title"]), ("slug", "locale"), *own, "base_version"]
        return [(name, {**options, "fields": main}), *rest]

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = runtime_entry_form(self._type(), self._field_chooser)
        return super().get_form(request, obj, change=change, **kwargs)

    def service_data(self, form, change: bool) -> dict:
        data = super().service_data(form, change)
        data.pop("data", None)
        for field in self._type().extra["fields"]:
            name = field.api_id
            if name in form.cleaned_data and (not change or name in form.changed_data):
                data[name] = service_value(field, form.cleaned_data[name])
        return data


def _shown(field):
    """The read-only display of one type field (a FieldDefinition)."""

    boolean = field.kind == FieldKind.BOOLEAN

    def display(modeladmin, entry):
        value = shown_value(field, entry)
        if boolean or value is not None:
            return value  # a boolean shows as the admin's yes / no / unknown icon
        return modeladmin.get_empty_value_display()

    return admin.display(description=field.label, boolean=boolean)(display)


def runtime_admin_class(entry_type: EntryType) -> type[RuntimeEntryAdmin]:
    """The type's admin, with a read-only display per field (rebuilt at every reload, so
    they follow the definition)."""
    shown = {SHOWN + f.api_id: _shown(f) for f in entry_type.extra["fields"]}
    return _named(f"{entry_type.model.__name__}Admin", (RuntimeEntryAdmin,), **shown)


def urls_rebuild() -> None:
    """Re-import the URLconf (so `admin.site.urls` lists the current admins), then drop
    the cached resolvers built from the old one. Before the URLconf was first imported
    there is nothing to rebuild."""
    module = sys.modules.get(settings.ROOT_URLCONF)
    if module is not None:
        importlib.reload(module)
    clear_url_caches()


def admin_reload(entry_types: list[EntryType], site: admin.AdminSite = admin.site) -> None:
    """Register the admins of the runtime types just loaded, in place of the last ones."""
    old = _registered.get(site, [])
    for model in old:
        if site.is_registered(model):
            site.unregister(model)
    fresh = [t for t in entry_types if t.runtime]
    for entry_type in fresh:
        site.register(entry_type.model, runtime_admin_class(entry_type))
    _registered[site] = [t.model for t in fresh]
    if old or fresh:
        urls_rebuild()
