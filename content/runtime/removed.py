"""Removed fields: give one back, or purge its values for good (issue 14, rule 6).

Leaving a field out of a type's `fields` only hides it (content.runtime.definitions): its
values stay in every entry, and giving it back by key restores it. `field_purge` is the
one way to lose them, on purpose: an Administrator's explicit, audited act on a field that
is already removed. It deletes the field's values from every entry's `data` (drafts, in
the trash too) and the field itself. Revisions are immutable history and keep the values
they were saved with; reverting to one is a new write, which keeps only the live fields.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.roles import require_perm
from content.models import Entry, FieldDefinition, TypeDefinition
from content.runtime.definitions import DENIED, MANAGE_PERM, _revise, describe, type_update
from flags.capabilities import RUNTIME_TYPES, capability_required

CHUNK = 500


def _removed_field(definition: TypeDefinition, key: Any) -> FieldDefinition:
    field = definition.fields.filter(key=key).first() if isinstance(key, str) else None
    if field is None:
        raise ValidationError({"key": [f"{definition.name} has no field with key {key!r}."]})
    if field.removed_at is None:
        raise ValidationError(
            {
                "key": [
                    f"{field.api_id!r} ({field.key}) is a live field: remove it from the type "
                    "first; only a removed field's values can be purged."
                ]
            }
        )
    return field


@transaction.atomic
def field_purge(*, actor: Any, definition: TypeDefinition, key: Any) -> int:
    """Delete a removed field's values from every entry and the field itself
    (Administrators); refused for a live field. Returns how many entries held a value."""
    require_perm(actor, MANAGE_PERM, DENIED)
    capability_required(RUNTIME_TYPES)
    definition = TypeDefinition.objects.select_for_update().get(pk=definition.pk)
    field = _removed_field(definition, key)
    holding = Entry.objects.filter(definition=definition, data__has_key=field.key)
    ids = list(holding.values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        rows = list(Entry.objects.filter(pk__in=ids[start : start + CHUNK]).only("pk", "data"))
        for entry in rows:
            entry.data.pop(field.key, None)
        # Storage, not an edit: no entry revision, no version bump (no client can write a
        # removed field, so no If-Match can go stale over it).
        Entry.objects.bulk_update(rows, ["data"])
    field.delete()
    changes = {field.api_id: ["purged", field.key, len(ids)]}
    _revise(definition, actor, "purge_field", changes)
    return len(ids)


def field_restore(*, actor: Any, definition: TypeDefinition, key: Any) -> TypeDefinition:
    """Give a removed field back (with its values): type_update with the field added at
    the end of the live ones, so the same rules (and the compatibility check) apply."""
    require_perm(actor, MANAGE_PERM, DENIED)
    field = _removed_field(definition, key)
    current = describe(definition)
    restored = next(
        f for f in describe(definition, removed=True)["fields"] if f["key"] == field.key
    )
    restored.pop("removed")
    data = {"fields": [*current["fields"], restored]}
    return type_update(actor=actor, definition=definition, data=data)
