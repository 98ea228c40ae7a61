"""Each registered type's delivery (content.delivery.entries.EntryDelivery), built on
first use and kept for the process: the URLconf builds every type's routes once, and
the writers of the read model look a type up once per batch, never per item."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.module_loading import import_string

from content.types import EntryType, entry_type_for, entry_types

if TYPE_CHECKING:
    from content.delivery.entries import EntryDelivery
    from content.models import PublishableCore

GENERIC = "content.delivery.entries.EntryDelivery"
# Types defined as data (content.runtime) are delivered by one class.
RUNTIME = "content.delivery.runtime.RuntimeDelivery"

# Per type, the deliveries built for each of its registrations (by identity). A code
# type's first one stays, because the URLconf's routes hold it: a registration replaced and
# put back (tests do) finds it again, and the schema sees one class per component. A
# runtime type keeps only its current one: its routes resolve the delivery per request.
_built: dict[str, list[tuple[EntryType, EntryDelivery]]] = {}


def entry_delivery(entry_type: EntryType) -> EntryDelivery:
    """The delivery of a registered type: its registration's class, else the generic one."""
    built = _built.setdefault(entry_type.api_name, [])
    for registration, delivery in built:
        if registration is entry_type:
            return delivery
    default = RUNTIME if entry_type.runtime else GENERIC
    delivery = import_string(entry_type.delivery or default)(entry_type)
    if entry_type.runtime:
        built.clear()
    built.append((entry_type, delivery))
    return delivery


def entry_delivery_for(entry_or_model: PublishableCore | type[PublishableCore]) -> EntryDelivery:
    return entry_delivery(entry_type_for(entry_or_model))


def entry_deliveries() -> list[EntryDelivery]:
    """Every registered type's delivery, in registration order."""
    return [entry_delivery(t) for t in entry_types()]


def snapshot_kind(model: type) -> str | None:
    """The snapshot kind of a model's items; None when it is not a registered type."""
    try:
        return entry_type_for(model).api_name
    except LookupError:
        return None
