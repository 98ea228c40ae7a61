"""Whether a changed type still fits what its entries hold (issue 14, rule 6).

Before a change to a type's fields is kept, every entry's current draft and every revision
that is live or would go live again on a restore from the trash is checked against the new
fields; the change is refused with the list of entries that would become invalid. Revisions
older than those stay as they are: reverting to one is a new write, checked then.
"""

from __future__ import annotations

from typing import Any

from content.models import Entry, Revision, TypeDefinition
from content.runtime.behaviour import field_problem
from content.runtime.kinds import is_empty

SHOWN = 20  # entries named in a refusal; the rest are counted


def _documents(definition: TypeDefinition):
    """(entry id, title, where, data) of every draft and live or restorable revision."""
    rows = Entry.objects.filter(definition=definition).values_list(
        "pk", "title", "data", "live_revision_id", "trashed_live_revision_id"
    )
    revision_ids = {}
    for pk, title, data, live, trashed in rows.iterator(chunk_size=2000):
        yield pk, title, "draft", data or {}
        for revision_id in (live, trashed):
            if revision_id:
                revision_ids[revision_id] = (pk, title)
    snapshots = Revision.objects.filter(pk__in=revision_ids).values_list("pk", "number", "snapshot")
    for revision_id, number, snapshot in snapshots.iterator(chunk_size=2000):
        pk, title = revision_ids[revision_id]
        yield pk, title, f"revision {number}", snapshot.get("data") or {}


def incompatible_entries(definition: TypeDefinition, before: dict[str, Any]) -> dict[str, list]:
    """{"fields": [one line per offending entry]} if the new fields don't fit, else {}."""
    old = {f["key"]: f for f in before["fields"]}
    changed = [
        f
        for f in definition.fields.filter(removed_at=None)
        if f.key not in old or _rules_changed(f, old[f.key])
    ]
    if not changed:
        return {}
    offending: list[str] = []
    count = 0
    unique = [f for f in changed if f.unique]
    seen: dict[tuple[str, str], int] = {}
    for pk, title, where, data in _documents(definition):
        problems = [
            f"{f.api_id}: {problem}"
            for f in changed
            if (problem := _problem(f, data, f.key not in old))
        ]
        for f in unique if where == "draft" else ():
            value = data.get(f.key)
            if not is_empty(value):
                other = seen.setdefault((f.key, repr(value)), pk)
                if other != pk:
                    problems.append(f"{f.api_id}: the same value as entry {other}.")
        if problems:
            count += 1
            if len(offending) < SHOWN:
                offending.append(
                    f"{definition.name} {pk} ({title}), {where}: {'; '.join(problems)}"
                )
    if not count:
        return {}
    if count > SHOWN:
        offending.append(f"…and {count - SHOWN} more.")
    return {"fields": [f"The change would make {count} entries invalid.", *offending]}


def _rules_changed(field, old: dict[str, Any]) -> bool:
    return (
        field.kind != old["type"]
        or field.options != old["options"]
        or (field.required and not old["required"])
        or (field.unique and not old["unique"])
    )


def _problem(field, data: dict[str, Any], added: bool) -> str | None:
    value = data.get(field.key, field.default if added else None)
    if is_empty(value):
        return "This field is required." if field.required and field.default is None else None
    return field_problem(field, value)
