"""The values of a runtime type's entry in an export: by field `api_id`, the name the
type's definition (exported before the entries) gives them, with media as sha256 digests
and references as {"type", "locale", "translation_key"}; and back, for entry_create.

Only live fields travel: a removed field's values stay behind (restore it first to carry
them). A reference is resolved on import against the items imported before it; the export
writes each type's entries after those of the types it points at, so only references
between items of types that point at each other (or at a later item of the same type) can
be missing, and the import names them.
"""

from __future__ import annotations

from typing import Any

from content.exchange.keys import Keys, UnknownKey
from content.models import FieldKind
from content.types import EntryType, entry_type


class References:
    """(type, id) → natural key of the item, looked up once per type."""

    def __init__(self) -> None:
        self._known: dict[str, dict[int, dict[str, str]]] = {}

    def key(self, ref: dict[str, Any]) -> dict[str, str] | None:
        name = ref["type"]
        if name not in self._known:
            rows = entry_type(name).model.objects.filter(deleted_at=None)
            self._known[name] = {
                pk: {"type": name, "locale": code, "translation_key": str(tkey)}
                for pk, code, tkey in rows.values_list("pk", "locale__code", "translation_key")
            }
        return self._known[name].get(ref["id"])


def data_to_api_ids(
    kind: EntryType, data: dict[str, Any], keys: Keys, refs: References
) -> dict[str, Any]:
    """Export: Entry.data (by key, ids) → {api_id: value} with natural keys."""
    out: dict[str, Any] = {}
    for field in kind.extra["fields"]:
        if field.key not in (data or {}):
            continue
        value = data[field.key]
        if field.kind == FieldKind.MEDIA and value is not None:
            value = keys.media.get(value)
        elif field.kind == FieldKind.REFERENCE and value:
            many = isinstance(value, list)
            found = [k for ref in (value if many else [value]) if (k := refs.key(ref))]
            value = found if many else (found[0] if found else None)
        out[field.api_id] = value
    return out


def _resolve(ref: Any) -> dict[str, Any]:
    if not isinstance(ref, dict) or not {"type", "locale", "translation_key"} <= set(ref):
        raise UnknownKey(f"reference {ref!r} must be {{type, locale, translation_key}}")
    try:
        model = entry_type(ref["type"]).model
    except LookupError:
        raise UnknownKey(f"reference {ref!r}: no such type") from None
    pk = (
        model.objects.filter(locale__code=ref["locale"], translation_key=ref["translation_key"])
        .values_list("pk", flat=True)
        .first()
    )
    if pk is None:
        raise UnknownKey(f"reference {ref!r}: no such item before this line")
    return {"type": ref["type"], "id": pk}


def data_from_api_ids(kind: EntryType, values: Any, keys: Keys) -> dict[str, Any]:
    """Import: {api_id: value} with natural keys → the flat fields entry_create takes."""
    if not isinstance(values, dict):
        raise UnknownKey("`data` must be an object of field values by api_id")
    fields = {f.api_id: f for f in kind.extra["fields"]}
    unknown = sorted(set(values) - set(fields))
    if unknown:
        raise UnknownKey(f"{kind.api_name} has no field(s) {', '.join(unknown)}")
    out: dict[str, Any] = {}
    for api_id, value in values.items():
        field = fields[api_id]
        if field.kind == FieldKind.MEDIA and value is not None:
            if value not in keys.media:
                raise UnknownKey(f"{api_id}: media {value!r} is not in the file")
            value = keys.media[value]
        elif field.kind == FieldKind.REFERENCE and value:
            value = [_resolve(r) for r in value] if isinstance(value, list) else _resolve(value)
        out[api_id] = value
    return out
