"""How a runtime type's entries differ from the code-defined ones: their own fields live in
`Entry.data` by field key, validated against the type's definition on every write.

content.services.entries calls `fold()` on every create and update, whatever the
interface (API, admin, import, revert), so one rule set holds everywhere. Errors name the
field by its api_id: {"venue": ["This field is required."]}.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.core.exceptions import ValidationError

from content.blocks import body_image_ids
from content.models import FieldKind, MediaAsset, TypeDefinition
from content.runtime.kinds import Invalid, clean_value, is_empty, text_of
from content.types import EntryBehaviour, entry_type


def _reference(field, value: Any) -> dict[str, Any]:
    """A reference as stored: {"type", "id"}; an id alone when the field takes one type."""
    types = field.options["types"]
    if isinstance(value, int) and not isinstance(value, bool) and len(types) == 1:
        return {"type": types[0], "id": value}
    if (
        isinstance(value, dict)
        and set(value) == {"type", "id"}
        and value["type"] in types
        and isinstance(value["id"], int)
    ):
        return {"type": value["type"], "id": value["id"]}
    shape = "an id" if len(types) == 1 else '{"type", "id"}'
    raise Invalid(f"Must be {shape} of: {', '.join(types)}.")


def _clean(field, value: Any) -> Any:
    if field.kind == FieldKind.MEDIA and not is_empty(value):
        if isinstance(value, bool) or not isinstance(value, int):
            raise Invalid("Must be a media id.")
        return value
    if field.kind == FieldKind.REFERENCE and not is_empty(value):
        if field.options.get("many"):
            if not isinstance(value, list):
                raise Invalid("Must be a list.")
            refs = [_reference(field, item) for item in value]
            low, high = field.options.get("min_items"), field.options.get("max_items")
            if low is not None and len(refs) < low:
                raise Invalid(f"At least {low} references.")
            if high is not None and len(refs) > high:
                raise Invalid(f"At most {high} references.")
            return refs
        return _reference(field, value)
    return clean_value(field, value)


def field_problem(field, value: Any) -> str | None:
    """Why a stored value no longer fits `field` (its kind or options changed), or None."""
    try:
        _clean(field, value)
    except Invalid as problem:
        return str(problem)
    return None


def _missing_targets(fields, document: dict[str, Any], errors: dict[str, list[str]]) -> None:
    """Media and references that do not exist (or are of the wrong kind), by field."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for field in fields:
        value = document.get(field.key)
        if field.kind == FieldKind.REFERENCE and value:
            for ref in value if isinstance(value, list) else [value]:
                wanted[ref["type"]].add(ref["id"])
    found = {
        (name, pk)
        for name, ids in wanted.items()
        for pk in entry_type(name)
        .model.objects.filter(pk__in=ids, deleted_at=None)
        .values_list("pk", flat=True)
    }
    media_ids = {
        document[f.key] for f in fields if f.kind == FieldKind.MEDIA and document.get(f.key)
    }
    media = dict(MediaAsset.objects.filter(pk__in=media_ids).values_list("pk", "kind"))
    for field in fields:
        value = document.get(field.key)
        if not value:
            continue
        if field.kind == FieldKind.MEDIA:
            kinds = field.options.get("media_kinds") or []
            if value not in media:
                errors[field.api_id].append(f"Media {value} does not exist.")
            elif kinds and media[value] not in kinds:
                errors[field.api_id].append(f"Must be media of kind: {', '.join(kinds)}.")
        elif field.kind == FieldKind.REFERENCE:
            missing = [
                f"{ref['type']} {ref['id']}"
                for ref in (value if isinstance(value, list) else [value])
                if (ref["type"], ref["id"]) not in found
            ]
            if missing:
                errors[field.api_id].append(f"Does not exist: {', '.join(missing)}.")


class RuntimeBehaviour(EntryBehaviour):
    def __init__(self, definition: TypeDefinition, fields: tuple, stored: frozenset | None = None):
        self.definition = definition
        self.fields = fields
        self.by_api_id = {f.api_id: f for f in fields}
        # Keys a whole document may carry: the live and removed fields' (a purged field's
        # value in an old revision stays out of a revert).
        self.stored = stored

    def prepare_create(self, entry, data, actor):
        entry.definition = self.definition
        if not self.definition.localized and not entry.locale.is_default:
            raise ValidationError(
                {"locale": [f"{self.definition.name} entries are not localised."]}
            )

    def own_fields(self):
        return tuple(self.by_api_id)

    def fold(self, entry, data, *, created):
        given = {name: data.pop(name) for name in list(data) if name in self.by_api_id}
        document = dict(entry.data or {})
        raw = data.pop("data", None)  # a whole document by key: a revert, an import
        if raw is not None:
            if not isinstance(raw, dict):
                raise ValidationError({"data": ["Must be an object."]})
            document.update(
                (k, v) for k, v in raw.items() if self.stored is None or k in self.stored
            )
            given.update({f.api_id: raw[f.key] for f in self.fields if f.key in raw})
        errors: dict[str, list[str]] = defaultdict(list)
        for api_id, value in given.items():
            field = self.by_api_id[api_id]
            try:
                document[field.key] = _clean(field, value)
            except Invalid as problem:
                errors[api_id].append(str(problem))
        if created:
            for field in self.fields:
                if field.default is not None and field.key not in document:
                    document[field.key] = field.default
        for field in self.fields:
            if field.required and is_empty(document.get(field.key)) and not errors[field.api_id]:
                errors[field.api_id].append("This field is required.")
        _missing_targets(self.fields, document, errors)
        self._unique(entry, document, errors)
        errors = {name: problems for name, problems in errors.items() if problems}
        if errors:
            raise ValidationError(errors)
        if self.definition.title_field:
            title = next(f for f in self.fields if f.key == self.definition.title_field)
            data["title"] = text_of(title, document.get(title.key))[:255]
        if document != (entry.data or {}):
            data["data"] = document

    def media_used(self, snapshot: dict[str, Any]) -> set[tuple[int, str]]:
        document = snapshot.get("data") or {}
        used: set[tuple[int, str]] = set()
        for field in self.fields:
            value = document.get(field.key)
            if not value:
                continue
            if field.kind == FieldKind.MEDIA and isinstance(value, int):
                used.add((value, field.api_id))
            elif field.kind == FieldKind.RICH_TEXT and isinstance(value, list):
                used.update((pk, field.api_id) for pk in body_image_ids(value))
        return used

    def _unique(self, entry, document: dict[str, Any], errors) -> None:
        changed = [
            f
            for f in self.fields
            if f.unique
            and not is_empty(document.get(f.key))
            and (entry.pk is None or document.get(f.key) != (entry.data or {}).get(f.key))
        ]
        if not changed:
            return
        # Concurrent writes of one type with unique fields take turns on the type's row.
        TypeDefinition.objects.select_for_update().filter(pk=self.definition.pk).first()
        others = type(entry).objects.filter(deleted_at=None).exclude(pk=entry.pk)
        for field in changed:
            if others.filter(**{f"data__{field.key}": document[field.key]}).exists():
                errors[field.api_id].append(f"Another {self.definition.name} has this value.")
