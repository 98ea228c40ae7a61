"""Promote runtime types between environments: export them as one JSON document, say what
applying a document would change, and apply it (schema_export / schema_diff / schema_apply,
and `content-types/export/`, `diff/`, `apply/` in the API).

The document is {"format": 1, "types": [describe(definition), ...]}: every type with its
live fields and their keys. Types are matched by `api_id`; a type only in the target is
left as it is (types are never deleted). Fields are matched by `key`, the stable storage
key of their values, so a rename in the source is a rename in the target and no entry is
rewritten. A field whose key the target doesn't know is:

- the target's live field of the same `api_id`, when that field's key is not in the
  document either (the same field, added on both sides: its values stay under the
  target's key);
- otherwise a new field, which keeps its key when the target has never handed that key
  out (always so in an empty database), and is refused when it has.

Keys are per type and given in order, so promote from one source of truth (development →
staging → production); a field added directly in a target takes a key the source will
give to another field, which the next promotion would read as a rename. A target field the
document leaves out is removed (hidden, its values kept), as in the API. Everything is
applied in one transaction through type_create / type_update, so their rules hold (rule 6:
a change entries' values don't fit is refused); any refusal rolls the whole apply back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.roles import require_perm
from content.models import FieldKind, TypeDefinition
from content.runtime import registry
from content.runtime.definitions import DENIED, MANAGE_PERM, describe, type_create, type_update
from content.runtime.plurals import english_plural
from content.runtime.validation import FLAGS
from content.types import entry_types

FORMAT = 1
TYPE_ATTRS = ("name", "name_plural", "description", "title_field", "localized")
FIELD_ATTRS = ("label", "help_text", "type", *FLAGS, "options", "default")


def schema_document() -> dict[str, Any]:
    """Every runtime type, as one document (by api_id)."""
    definitions = TypeDefinition.objects.prefetch_related("fields").order_by("api_id")
    return {"format": FORMAT, "types": [describe(d) for d in definitions]}


def document_problems(document: Any) -> dict[str, list[str]]:
    """What makes `document` no promotion document at all (its definitions' own problems
    are type_create's and type_update's to list)."""
    if not isinstance(document, dict):
        return {"non_field_errors": ["The document must be a JSON object."]}
    problems: dict[str, list[str]] = {}
    if document.get("format") != FORMAT:
        problems["format"] = [f"Unknown format {document.get('format')!r}; expected {FORMAT}."]
    types = document.get("types")
    if not isinstance(types, list):
        return {**problems, "types": ["Must be a list of type definitions."]}
    seen: set[str] = set()
    for index, raw in enumerate(types):
        where = f"types[{index}]"
        if not isinstance(raw, dict) or not isinstance(raw.get("api_id"), str):
            problems[where] = ["Must be a type definition with an api_id."]
            continue
        if raw["api_id"] in seen:
            problems[f"{where}.api_id"] = [f"{raw['api_id']!r} appears twice."]
        seen.add(raw["api_id"])
        fields = raw.get("fields", [])
        if not isinstance(fields, list) or not all(
            isinstance(f, dict) and isinstance(f.get("api_id"), str) for f in fields
        ):
            problems[f"{where}.fields"] = ["Must be a list of fields, each with an api_id."]
    return problems


def parse_document(text: str | bytes) -> dict[str, Any]:
    """A document from JSON text; ValidationError when it is none."""
    try:
        document = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValidationError({"non_field_errors": [f"Not valid JSON: {exc}."]}) from None
    check_document(document)
    return document


def check_document(document: Any) -> None:
    problems = document_problems(document)
    if problems:
        raise ValidationError(problems)


@dataclass
class TypePlan:
    """What applying the document does to one type: `data` for type_create (new) or
    type_update (`definition`), its fields' keys as the target knows them."""

    api_id: str
    definition: TypeDefinition | None
    data: dict[str, Any]
    changes: list[str] = field(default_factory=list)
    # Planned as a new type (the apply then sets `definition`).
    new: bool = False

    def __post_init__(self) -> None:
        self.new = self.definition is None


def _normal(raw: dict[str, Any]) -> dict[str, Any]:
    """A field as type_update would store it (so a document written by hand, with
    defaults left out, compares equal to the same field read back)."""
    return {
        "label": raw.get("label") or raw["api_id"].replace("_", " ").capitalize(),
        "help_text": raw.get("help_text", ""),
        "type": raw.get("type"),
        **{flag: raw.get(flag, False) for flag in FLAGS},
        "options": raw.get("options", {}),
        "default": raw.get("default"),
    }


def _show(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def _field_line(mark: str, raw: dict[str, Any], note: str) -> str:
    return f"  {mark} {raw['api_id']} ({raw.get('key') or 'new key'}, {raw.get('type')}){note}"


def _plan_new(raw: dict[str, Any]) -> TypePlan:
    plan = TypePlan(raw["api_id"], None, raw)
    plan.changes.append(f"type added: {raw.get('name')!r}")
    plan.changes += [_field_line("+", f, "") for f in raw.get("fields", [])]
    return plan


def _plan_change(raw: dict[str, Any], definition: TypeDefinition) -> TypePlan:
    current = describe(definition, removed=True)
    plan = TypePlan(raw["api_id"], definition, {"fields": []})
    for name in TYPE_ATTRS:
        wanted = raw.get(name, "" if name == "description" else None)
        if name == "localized":
            wanted = bool(wanted)
        elif name == "name_plural":  # a document from before plural names: made from the name
            wanted = wanted or english_plural(raw.get("name") or definition.name)
        plan.data[name] = wanted if name != "title_field" else wanted or ""
        if wanted != current[name] and not (
            name == "title_field" and not wanted and not current[name]
        ):
            plan.changes.append(f"  {name}: {_show(current[name])} → {_show(wanted)}")
    by_key = {f["key"]: f for f in current["fields"]}
    live_by_name = {f["api_id"]: f for f in current["fields"] if not f["removed"]}
    source_keys = {f.get("key") for f in raw.get("fields", [])}
    matched: set[str] = set()
    for source in raw.get("fields", []):
        target = by_key.get(source.get("key"))
        note = ""
        if target is None:
            same = live_by_name.get(source["api_id"])
            if same is not None and same["key"] not in source_keys:
                target, note = same, f", matched by name: key {same['key']} here"
        if target is None:
            plan.data["fields"].append(source)
            plan.changes.append(_field_line("+", source, " added"))
            continue
        matched.add(target["key"])
        plan.data["fields"].append({**source, "key": target["key"]})
        notes = [note] if note else []
        if target["api_id"] != source["api_id"]:
            notes.append(f", renamed from {target['api_id']}")
        if target["removed"]:
            notes.append(", restored (with its values)")
        old, new = _normal(target), _normal(source)
        notes += [
            f", {name} {_show(old[name])} → {_show(new[name])}"
            for name in FIELD_ATTRS
            if old[name] != new[name]
        ]
        if notes:
            plan.changes.append(_field_line("~", {**source, "key": target["key"]}, "".join(notes)))
    for target in current["fields"]:
        if not target["removed"] and target["key"] not in matched:
            plan.changes.append(_field_line("-", target, " removed (hidden; values kept)"))
    return plan


def schema_plan(document: dict[str, Any]) -> list[TypePlan]:
    """Per type of the document, what applying it would change (nothing: no lines)."""
    check_document(document)
    existing = {d.api_id: d for d in TypeDefinition.objects.prefetch_related("fields")}
    return [
        _plan_change(raw, existing[raw["api_id"]]) if raw["api_id"] in existing else _plan_new(raw)
        for raw in document["types"]
    ]


def diff_lines(plans: list[TypePlan]) -> list[str]:
    """The plan as an operator reads it; ["No changes."] when there is none."""
    changed = [p for p in plans if p.changes]
    if not changed:
        return ["No changes."]
    lines: list[str] = []
    for plan in changed:
        lines.append(f"{plan.api_id}:" if not plan.new else f"{plan.api_id}: (new)")
        lines += [c if c.startswith("  ") else f"  {c}" for c in plan.changes]
    added = sum(p.new for p in changed)
    lines.append(f"{added} type(s) to add, {len(changed) - added} to change.")
    return lines


def _targets(data: dict[str, Any]) -> set[str]:
    """The types a definition's reference fields point at."""
    return {
        name
        for f in data.get("fields", [])
        if f.get("type") == FieldKind.REFERENCE and isinstance(f.get("options"), dict)
        for name in f["options"].get("types") or []
        if isinstance(name, str)
    }


def dependency_order(definitions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Definitions, each after the types its reference fields point at when it can be
    (types that point at each other keep their order)."""
    names = {d["api_id"] for d in definitions}
    done: list[dict[str, Any]] = []
    pending = list(definitions)
    while pending:
        placed = {d["api_id"] for d in done}
        ready = [d for d in pending if (_targets(d) & names) <= placed | {d["api_id"]}]
        for item in ready or pending:
            done.append(item)
            pending.remove(item)
    return done


def _named(api_id: str, exc: ValidationError) -> ValidationError:
    """A refusal of one type's write, its paths prefixed with the type's api_id."""
    if hasattr(exc, "error_dict"):
        return ValidationError({f"{api_id}.{k}": v for k, v in exc.message_dict.items()})
    return ValidationError({api_id: exc.messages})


def _write(actor: Any, plan: TypePlan, data: dict[str, Any]) -> None:
    try:
        if plan.definition is None:
            plan.definition = type_create(actor=actor, data=data, keep_keys=True)
        else:
            type_update(actor=actor, definition=plan.definition, data=data, keep_keys=True)
    except ValidationError as exc:
        raise _named(plan.api_id, exc) from None


@transaction.atomic
def _apply(actor: Any, plans: list[TypePlan]) -> None:
    changed = [p for p in plans if p.changes and not p.new]
    # New types first, each after the types its references point at; types that point at
    # each other are created bare and get their fields with the changes below.
    pending = [p for p in plans if p.new]
    while pending:
        known = {t.api_name for t in entry_types()}
        ready = [p for p in pending if _targets(p.data) <= known | {p.api_id}]
        if not ready:
            for plan in pending:
                _write(actor, plan, {**plan.data, "fields": [], "title_field": ""})
            changed, pending = [*pending, *changed], []
        for plan in ready:
            _write(actor, plan, plan.data)
            pending.remove(plan)
    for plan in changed:
        _write(actor, plan, plan.data)


class _DryRun(Exception):
    """Rolls a dry run's writes back once every check has passed."""


def schema_apply(
    *, actor: Any, document: dict[str, Any], only_new: bool = False, dry_run: bool = False
) -> list[TypePlan]:
    """Apply a promotion document (Administrators), all or nothing; returns its plan. With
    `only_new` (an import), types that exist already are left as they are. A dry run
    applies it and rolls it back, so it refuses what the apply would (entries that a
    change doesn't fit) and writes nothing."""
    require_perm(actor, MANAGE_PERM, DENIED)
    plans = [p for p in schema_plan(document) if p.new or not only_new]
    try:
        with transaction.atomic():
            _apply(actor, plans)
            if dry_run:
                raise _DryRun
    except _DryRun:
        registry.load()
    except ValidationError:
        # The rollback undid types this process loaded on the way: load what is stored.
        registry.load()
        raise
    return plans
