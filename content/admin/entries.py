"""Every registered type in the admin: the ModelAdmin its registration names, or a generic
one built from its registration (GenericEntryAdmin, with a form and fieldsets made of the
type's fields). content.admin registers them as the types are registered."""

from __future__ import annotations

from django.contrib import admin
from django.utils.module_loading import import_string
from django.utils.text import capfirst

from content.admin.forms import EntryForm
from content.admin.layout import in_tab, standard_fieldsets
from content.admin.mixins import EntryAdmin
from content.types import CORE_CREATE_ONLY, CORE_EDITABLE, EntryType, entry_type_for


class GenericEntryAdmin(EntryAdmin):
    """A type with no admin of its own: EntryAdmin with its own fields in the main fieldset."""

    list_select_related = ["locale", "owner"]
    chooser_fields = ["owner", "og_image"]  # content.admin.chooser
    nav_icon, nav_order = "dataset", 30

    def entry_fieldsets(self, request, obj):
        entry_type = entry_type_for(self.model)
        own = [f for f in entry_type.create_only if f not in CORE_CREATE_ONLY]
        own += [f for f in entry_type.editable if f not in CORE_EDITABLE and f not in own]
        main = ["title", ("slug", "locale"), *own, "body", "base_version"]
        name = capfirst(self.model._meta.verbose_name)
        return [in_tab("content", name, main), *standard_fieldsets(obj)]


def _named(name: str, bases: tuple[type, ...], /, **attrs) -> type:
    # Positional-only: a type may have fields called `name` or `bases` (its attrs).
    return type(name, bases, {"__module__": __name__, "__qualname__": name, **attrs})


def entry_admin_class(entry_type: EntryType) -> type[EntryAdmin]:
    """The registration's admin, or a GenericEntryAdmin with an EntryForm for its model."""
    if entry_type.admin:
        return import_string(entry_type.admin)
    model = entry_type.model
    # The admin passes the fields from its fieldsets, as for the built-in types' forms.
    meta = type("Meta", (), {"model": model, "exclude": []})
    form = _named(f"{model.__name__}Form", (EntryForm,), Meta=meta)
    return _named(f"{model.__name__}Admin", (GenericEntryAdmin,), form=form)


def entry_admin_register(entry_type: EntryType, site: admin.AdminSite = admin.site) -> None:
    """Register the type's admin on `site`, once."""
    if not site.is_registered(entry_type.model):
        site.register(entry_type.model, entry_admin_class(entry_type))
