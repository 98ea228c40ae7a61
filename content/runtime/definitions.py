"""Define and change runtime types: the only writes of TypeDefinition and its fields.

A definition comes in as the API gives it:

    {"api_id": "event", "name": "Event", "description": "", "title_field": "title",
     "localized": false, "fields": [{"key"?, "api_id", "label", "help_text", "type",
     "required", "unique", "filterable", "sortable", "searchable", "options", "default"}]}

`fields` lists the type's fields in order. On a change, a field given with its `key` is
that field (a new `api_id` renames it: the data stays under its key); one without is new;
a live field left out is removed (hidden, its data kept; giving it back with its key
undoes that). Every problem is reported at once, by path ("fields[2].options"). Every
change is audited and numbered (TypeRevision), and moves TypeRegistryState.version.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.audit import audit_record
from accounts.roles import require_perm
from content.models import (
    Entry,
    FieldDefinition,
    FieldKind,
    TypeDefinition,
    TypeRegistryState,
    TypeRevision,
)
from content.runtime import registry
from content.runtime.compat import incompatible_entries
from content.runtime.kinds import options_problems
from content.types import CORE_CREATE_ONLY, CORE_EDITABLE, CORE_SUMMARY, entry_types
from core.exceptions import PreconditionFailed

MANAGE_PERM = "content.add_typedefinition"
DENIED = "Only Administrators may define content types."
NAME_RE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
KEY_RE = re.compile(r"^f([1-9][0-9]{0,8})$")
# Names a field may not take: the core fields, and the delivery API's query parameters.
RESERVED = frozenset(
    {
        *CORE_SUMMARY,
        *CORE_EDITABLE,
        *CORE_CREATE_ONLY,
        *(f.name for f in Entry._meta.get_fields()),
        *("limit", "cursor", "page", "search", "ordering", "fields", "expand", "format"),
        *("url_path", "data", "definition", "status", "version", "key"),
    }
) - {"title"}  # a type may call its title field "title" (it then is the entry's title)
# Names a type may not take: routes beside `content-types/<api_id>/`, and the record types
# of export_content's files.
RESERVED_TYPES = frozenset(
    {"export", "diff", "apply", "entry", "entries", "content_type", "locale", "category"}
    | {"tag", "media", "image", "redirect", "revision"}
)
FLAGS = ("required", "unique", "filterable", "sortable", "searchable")
FIELD_KEYS = {"key", "api_id", "label", "help_text", "type", "options", "default", *FLAGS}
TITLE_KINDS = (FieldKind.TEXT, FieldKind.EMAIL, FieldKind.CHOICE)
# Flags a kind can't honour (a rich text is not compared, a list is not sorted).
NOT_FILTERABLE = (FieldKind.LONG_TEXT, FieldKind.RICH_TEXT)
NOT_SORTABLE = (*NOT_FILTERABLE, FieldKind.CHOICES, FieldKind.REFERENCE, FieldKind.MEDIA)
NOT_UNIQUE = (FieldKind.RICH_TEXT, FieldKind.BOOLEAN, FieldKind.CHOICES, FieldKind.REFERENCE)


def _name_problems(value: Any, what: str) -> list[str]:
    if not isinstance(value, str) or not NAME_RE.match(value) or len(value) > 40:
        return [
            f"{what} must be 1-40 lowercase letters, digits and single underscores, "
            "starting with a letter."
        ]
    return []


def _key_problem(key: Any, known_keys: set[str], next_key: int | None) -> str | None:
    """Why a field's `key` can't be used. A key the type doesn't know is taken as a new
    field's only when the caller keeps given keys (a promotion: `next_key` is set) and the
    type has never handed it out (keys never come back)."""
    if key in known_keys:
        return None
    match = KEY_RE.match(key) if isinstance(key, str) else None
    if next_key is not None and match and int(match.group(1)) >= next_key:
        return None
    if next_key is not None and match:
        return f"Key {key!r} was already used by this type; promote from the source of truth."
    return f"The type has no field with key {key!r}."


def _field_problems(
    index: int, raw: Any, known_keys: set[str], type_exists, next_key: int | None = None
) -> dict[str, list[str]]:
    where = f"fields[{index}]"
    if not isinstance(raw, dict):
        return {where: ["Must be an object."]}
    problems: dict[str, list[str]] = {}
    unknown = sorted(set(raw) - FIELD_KEYS)
    if unknown:
        problems[where] = [f"Unknown attribute(s): {', '.join(unknown)}."]
    api_id = raw.get("api_id")
    name = _name_problems(api_id, "api_id")
    if not name and api_id in RESERVED:
        name = [f"{api_id!r} is reserved; choose another name."]
    if name:
        problems[f"{where}.api_id"] = name
    if raw.get("key") is not None and (bad := _key_problem(raw["key"], known_keys, next_key)):
        problems[f"{where}.key"] = [bad]
    label = raw.get("label", "")
    if not isinstance(label, str) or len(label) > 100:
        problems[f"{where}.label"] = ["Must be a string of at most 100 characters."]
    if not isinstance(raw.get("help_text", ""), str):
        problems[f"{where}.help_text"] = ["Must be a string."]
    bad_flags = [flag for flag in FLAGS if not isinstance(raw.get(flag, False), bool)]
    if bad_flags:
        problems[f"{where}"] = [*problems.get(where, []), f"{', '.join(bad_flags)}: true or false."]
    kind = raw.get("type")
    kind_problems = options_problems(kind, raw.get("options", {}), type_exists)
    if kind not in FieldKind.values:
        problems[f"{where}.type"] = kind_problems
        return problems
    if kind_problems:
        problems[f"{where}.options"] = kind_problems
    for flag, excluded in (
        ("filterable", NOT_FILTERABLE),
        ("sortable", NOT_SORTABLE),
        ("unique", NOT_UNIQUE),
    ):
        if raw.get(flag) and kind in excluded:
            problems.setdefault(f"{where}.{flag}", []).append(f"A {kind} field can't be {flag}.")
    if raw.get("searchable") and kind not in (
        FieldKind.TEXT,
        FieldKind.LONG_TEXT,
        FieldKind.RICH_TEXT,
    ):
        problems[f"{where}.searchable"] = ["Only text fields are searchable."]
    return problems


def _type_exists_for(api_id: str):
    names = {t.api_name for t in entry_types()}
    return lambda name: name in names or name == api_id


def definition_problems(
    data: dict[str, Any], definition: TypeDefinition | None = None, *, keep_keys: bool = False
) -> dict[str, list[str]]:
    """Every problem with a definition, by path; empty when it may be saved. With
    `keep_keys`, a new field may bring its own key (see _key_problem)."""
    problems: dict[str, list[str]] = {}
    if not isinstance(data, dict):
        return {"non_field_errors": ["Must be an object."]}
    api_id = data.get("api_id", definition.api_id if definition else None)
    names = _name_problems(api_id, "api_id")
    if not names and api_id in RESERVED_TYPES:
        names = [f"{api_id!r} is reserved; choose another name."]
    if not names:
        taken = {t.api_name for t in entry_types()} | {t.plural for t in entry_types()}
        if definition is not None:
            taken.discard(definition.api_id)
        if api_id in taken:
            names = [f"A type called {api_id!r} already exists."]
        elif definition and api_id != definition.api_id and _has_entries(definition):
            names = ["The api_id can't change once the type has entries."]
    if names:
        problems["api_id"] = names
    name = data.get("name", definition.name if definition else None)
    if not isinstance(name, str) or not name.strip() or len(name) > 100:
        problems["name"] = ["A name of at most 100 characters is required."]
    for flag in ("localized",):
        if not isinstance(data.get(flag, False), bool):
            problems[flag] = ["Must be true or false."]
    if not isinstance(data.get("description", ""), str):
        problems["description"] = ["Must be a string."]
    fields = data.get("fields", [] if definition is None else None)
    if fields is not None:
        problems.update(_fields_problems(fields, data, definition, api_id, keep_keys))
    return problems


def _fields_problems(fields, data, definition, api_id, keep_keys) -> dict[str, list[str]]:
    if not isinstance(fields, list):
        return {"fields": ["Must be a list."]}
    known = set(definition.fields.values_list("key", flat=True)) if definition else set()
    next_key = (definition.next_key if definition else 1) if keep_keys else None
    exists = _type_exists_for(api_id)
    problems: dict[str, list[str]] = {}
    for index, raw in enumerate(fields):
        problems.update(_field_problems(index, raw, known, exists, next_key))
    ids = [raw.get("api_id") for raw in fields if isinstance(raw, dict)]
    repeated = sorted({i for i in ids if isinstance(i, str) and ids.count(i) > 1})
    if repeated:
        problems["fields"] = [f"Field names must be unique: {', '.join(repeated)}."]
    keys = [raw.get("key") for raw in fields if isinstance(raw, dict) and raw.get("key")]
    repeated = sorted({k for k in keys if isinstance(k, str) and keys.count(k) > 1})
    if repeated:
        problems.setdefault("fields", []).append(
            f"Field keys must be unique: {', '.join(repeated)}."
        )
    title = data.get("title_field")
    if "title_field" not in data and definition is not None:
        title = describe(definition)["title_field"]
    if "title" in ids and title != "title":
        problems["title_field"] = ["A field called 'title' must be the title field."]
    elif title:
        match = [r for r in fields if isinstance(r, dict) and r.get("api_id") == title]
        if not match:
            problems["title_field"] = [f"No field is called {title!r}."]
        elif match[0].get("type") not in TITLE_KINDS or not match[0].get("required"):
            problems["title_field"] = ["The title field must be a required text field."]
    return problems


def _has_entries(definition: TypeDefinition) -> bool:
    return Entry.objects.filter(definition=definition).exists()


def describe(definition: TypeDefinition, *, removed: bool = False) -> dict[str, Any]:
    """The definition as the API gives it (and as revisions and schema_export keep it)."""
    fields = [f for f in definition.fields.all() if removed or f.removed_at is None]
    by_key = {f.key: f.api_id for f in fields}
    return {
        "api_id": definition.api_id,
        "name": definition.name,
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
        field.default = raw.get("default")
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


@transaction.atomic
def type_create(*, actor: Any, data: dict[str, Any], keep_keys: bool = False) -> TypeDefinition:
    """Define a new type (Administrators); with `keep_keys` (a promotion), fields keep the
    keys they are given."""
    require_perm(actor, MANAGE_PERM, DENIED)
    _refuse(definition_problems(data, keep_keys=keep_keys))
    definition = TypeDefinition.objects.create(
        api_id=data["api_id"],
        name=data["name"].strip(),
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
    # Locked until the change commits, so two writers can't both pass the checks.
    definition = TypeDefinition.objects.select_for_update().get(pk=definition.pk)
    if expected_revision is not None and expected_revision != definition.revision:
        raise PreconditionFailed(current_version=definition.revision)
    _refuse(definition_problems(data, definition, keep_keys=keep_keys))
    before = describe(definition)
    changes: dict[str, list] = {}
    for name in ("api_id", "name", "description", "localized"):
        if name in data and data[name] != getattr(definition, name):
            changes[name] = [getattr(definition, name), data[name]]
            setattr(definition, name, data[name].strip() if name == "name" else data[name])
    definition.save()
    if data.get("fields") is not None:
        changes.update(_write_fields(definition, data["fields"]))
        _refuse(incompatible_entries(definition, before))
    _apply_title(definition, data.get("title_field"))
    if changes or describe(definition) != before:
        _revise(definition, actor, "update", changes)
    return definition
