"""Whether a type definition may be saved: every problem at once, by path.

content.runtime.definitions calls `definition_problems()` before any write; the API and
the admin show what it returns ({"fields[2].options": [...]}). Names are checked against
what they would clash with: a field's against the core fields and the delivery API's
query parameters, a type's against the registered types, the routes beside
`content-types/<api_id>/`, export record types and code models (OpenAPI component names).
"""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any

from django.apps import apps

from content.models import Entry, FieldKind, TypeDefinition
from content.runtime.kinds import Invalid, clean_value, options_problems
from content.types import (
    CORE_CREATE_ONLY,
    CORE_EDITABLE,
    CORE_SUMMARY,
    entry_types,
    publishable_models,
)

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
        *("url_path", "data", "definition", "status", "version", "key", "lock"),
    }
) - {"title"}  # a type may call its title field "title" (it then is the entry's title)
# Names a type may not take: routes beside `content-types/<api_id>/`, and the record types
# of export_content's files.
RESERVED_TYPES = frozenset(
    {"export", "diff", "apply", "entry", "entries", "content_type", "locale", "category"}
    | {"tag", "media", "image", "redirect", "revision"}
    # Delivery's shared schema components (`DeliverySeo`, `DeliveryBlock`, ...).
    | {"seo", "block", "preview", "feed", "search", "list", "summary"}
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
    if not isinstance(key, str):
        return 'Must be a field\'s key, as the API gives it ("f3").'
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
    elif (bad := _default_problem(kind, raw)) is not None:
        problems[f"{where}.default"] = [bad]
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


def _default_problem(kind: str, raw: dict[str, Any]) -> str | None:
    """Why a field's default is not a value the field takes (entries created without the
    field get it unchecked), or None."""
    default = raw.get("default")
    if default is None:
        return None
    if kind in (FieldKind.MEDIA, FieldKind.REFERENCE):
        return f"A {kind} field has no default."
    try:
        clean_value(SimpleNamespace(kind=kind, options=raw.get("options") or {}), default)
    except Invalid as problem:
        return str(problem)
    return None


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
    if not names and (api_id in RESERVED_TYPES or api_id.replace("_", "") in _model_names()):
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
    plural = data.get("name_plural", "")
    if plural is not None and (not isinstance(plural, str) or len(plural) > 100):
        problems["name_plural"] = ["Must be a string of at most 100 characters."]
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
        title = title_api_id(definition)
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


def title_api_id(definition: TypeDefinition) -> str | None:
    """The api_id of the type's title field, or None."""
    if not definition.title_field:
        return None
    field = definition.fields.filter(key=definition.title_field).first()
    return field.api_id if field else None


def _model_names() -> set[str]:
    """The names of code models that are not publishable types (their OpenAPI components:
    `MediaAsset`, `User`); a publishable type's names are checked as a type's."""
    types = set(publishable_models())
    return {
        m._meta.model_name
        for m in apps.get_models()
        if m._meta.app_label != "entries" and m not in types
    }
