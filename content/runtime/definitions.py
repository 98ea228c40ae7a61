"""Define and change runtime types: the only writes of TypeDefinition and its fields.

A definition comes in as the API gives it:

    {"api_id": "event", "name": "Event", "name_plural": "Events", "description": "",
     "title_field": "title", "localized": false,
     "fields": [{"key"?, "api_id", "label", "help_text", "type", "required", "unique",
                 "filterable", "sortable", "searchable", "options", "default"}]}

`fields` lists the type's fields in order. On a change, a field given with its `key` is
that field (a new `api_id` renames it: the data stays under its key); one without is new;
a live field left out is removed (hidden, its data kept; giving it back with its key
undoes that). `name_plural` left out or empty is made from `name` ("Ferry" → "Ferries")
and follows a renamed type unless it was given. Every problem is reported at once, by
path ("fields[2].options"). Every change is audited and numbered (TypeRevision), and
moves TypeRegistryState.version.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.audit import audit_record
from accounts.roles import require_perm
from content.models import FieldDefinition, TypeDefinition, TypeRegistryState, TypeRevision
from content.runtime import registry
from content.runtime.compat import incompatible_entries
from content.runtime.kinds import clean_value
from content.runtime.plurals import english_plural
from content.runtime.validation import FLAGS, definition_problems
from core.exceptions import PreconditionFailed
from flags.capabilities import RUNTIME_TYPES, capability_required

MANAGE_PERM = "content.add_typedefinition"
DENIED = "Only Administrators may define content types."


def describe(definition: TypeDefinition, *, removed: bool = False) -> dict[str, Any]:
    """The definition as the API gives it (and as revisions and schema_export keep it)."""
    fields = [f for f in definition.fields.all() if removed or f.removed_at is None]
    by_key = {f.key: f.api_id for f in fields}
    return {
        "api_id": definition.api_id,
        "name": definition.name,
        "name_plural": definition.name_plural,
        "description": definition.description,
        "title_field": by_key.get(definition.title_field),
        "localized": definition.localized,
        "fields": [
            {
                "key": f.key,
                "api_id": f.api_id,
                "label": f.label,
                "help_text": f.help_text,
                "type": f.kind,
                **{flag: getattr(f, flag) for flag in FLAGS},
                "options": f.options,
                "default": f.default,
                **({"removed": f.removed_at is not None} if removed else {}),
            }
            for f in fields
        ],
    }


def _write_fields(definition: TypeDefinition, fields: list[dict]) -> dict[str, list]:
    """Create, change, rename, remove and restore fields; the changes, for the audit."""
    existing = {f.key: f for f in definition.fields.all()}
    # New fields that bring their key (definition_problems allowed them: keep_keys) come
    # first in the numbering, so a field given without one never takes theirs.
    given = [int(raw["key"][1:]) for raw in fields if raw.get("key") and raw["key"] not in existing]
    definition.next_key = max([definition.next_key, *(n + 1 for n in given)])
    seen: set[str] = set()
    changes: dict[str, list] = {}
    for order, raw in enumerate(fields):
        field = existing.get(raw.get("key"))
        if field is None:
            key = raw.get("key") or f"f{definition.next_key}"
            field = FieldDefinition(definition=definition, key=key)
            if not raw.get("key"):
                definition.next_key += 1
            changes[raw["api_id"]] = ["added"]
        elif field.api_id != raw["api_id"]:
            changes[raw["api_id"]] = ["renamed", field.api_id]
        elif field.removed_at is not None:
            changes[raw["api_id"]] = ["restored"]
        seen.add(field.key)
        field.api_id = raw["api_id"]
        field.label = raw.get("label") or raw["api_id"].replace("_", " ").capitalize()
        field.help_text = raw.get("help_text", "")
        field.kind = raw["type"]
        field.options = raw.get("options", {})
        field.default = clean_value(field, raw.get("default"))  # checked: its stored form
        for flag in FLAGS:
            setattr(field, flag, raw.get(flag, False))
        field.order = order
        field.removed_at = None
        field.save()
    for key, field in existing.items():
        if key not in seen and field.removed_at is None:
            field.removed_at = timezone.now()
            field.save(update_fields=["removed_at"])
            changes[field.api_id] = ["removed"]
    return changes


def _revise(definition: TypeDefinition, actor: Any, action: str, changes: dict) -> None:
    definition.revision += 1
    definition.save()
    TypeRevision.objects.create(
        definition=definition,
        number=definition.revision,
        snapshot=describe(definition, removed=True),
        author=actor,
        message=action,
    )
    TypeRegistryState.objects.get_or_create(pk=1)
    TypeRegistryState.objects.filter(pk=1).update(version=F("version") + 1)
    audit_record(
        actor=actor,
        action=f"content_type.{action}",
        target=definition,
        changes=changes,
        metadata={"revision": definition.revision},
    )
    registry.load()
    registry.ensure_permissions(definition)
    # Its published entries as the type now reads (a renamed field under its new name), in
    # this transaction: the change and what the public sees commit together.
    from content.delivery.services import snapshots_for_type
    from content.types import entry_type

    snapshots_for_type(entry_type(definition.api_id))


def _refuse(problems: dict[str, list[str]]) -> None:
    if problems:
        raise ValidationError(problems)


def _apply_title(definition: TypeDefinition, title: str | None) -> None:
    if title is None:
        return
    field = definition.fields.filter(api_id=title, removed_at=None).first() if title else None
    definition.title_field = field.key if field else ""
    definition.save(update_fields=["title_field"])


def _plural_after(definition: TypeDefinition, data: dict[str, Any]) -> str:
    """The plural name after a change: the one given, else the one made from the (new)
    name, unless the type's plural was given rather than made (then it stays)."""
    name = data.get("name", definition.name).strip()
    given = (data.get("name_plural") or "").strip()
    if given:
        return given
    if "name_plural" in data or definition.name_plural == english_plural(definition.name):
        return english_plural(name)
    return definition.name_plural


@transaction.atomic
def type_create(*, actor: Any, data: dict[str, Any], keep_keys: bool = False) -> TypeDefinition:
    """Define a new type (Administrators); with `keep_keys` (a promotion), fields keep the
    keys they are given."""
    require_perm(actor, MANAGE_PERM, DENIED)
    capability_required(RUNTIME_TYPES)
    _refuse(definition_problems(data, keep_keys=keep_keys))
    name = data["name"].strip()
    definition = TypeDefinition.objects.create(
        api_id=data["api_id"],
        name=name,
        name_plural=(data.get("name_plural") or "").strip() or english_plural(name),
        description=data.get("description", ""),
        localized=data.get("localized", False),
    )
    changes = _write_fields(definition, data.get("fields", []))
    _apply_title(definition, data.get("title_field") or "")
    _revise(definition, actor, "create", changes)
    return definition


@transaction.atomic
def type_update(
    *,
    actor: Any,
    definition: TypeDefinition,
    data: dict[str, Any],
    expected_revision: int | None = None,
    keep_keys: bool = False,
) -> TypeDefinition:
    """Change a type (Administrators): what entries hold is checked first (content.runtime.
    compat) and a change that would make one invalid is refused, naming the entries. With
    `expected_revision` (the API's If-Match), a type changed since is refused (412); with
    `keep_keys` (a promotion), new fields keep the keys they are given."""
    require_perm(actor, MANAGE_PERM, DENIED)
    capability_required(RUNTIME_TYPES)
    # Locked until the change commits, so two writers can't both pass the checks.
    definition = TypeDefinition.objects.select_for_update().get(pk=definition.pk)
    if expected_revision is not None and expected_revision != definition.revision:
        raise PreconditionFailed(current_version=definition.revision)
    _refuse(definition_problems(data, definition, keep_keys=keep_keys))
    before = describe(definition)
    changes: dict[str, list] = {}
    new = {**data, "name_plural": _plural_after(definition, data)}
    for name in ("api_id", "name", "name_plural", "description", "localized"):
        if name in new and new[name] != getattr(definition, name):
            changes[name] = [getattr(definition, name), new[name]]
            setattr(definition, name, new[name].strip() if name == "name" else new[name])
    definition.save()
    if data.get("fields") is not None:
        changes.update(_write_fields(definition, data["fields"]))
        _refuse(incompatible_entries(definition, before))
    _apply_title(definition, data.get("title_field"))
    if changes or describe(definition) != before:
        _revise(definition, actor, "update", changes)
    return definition
