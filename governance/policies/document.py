"""What the policy rules read: a revision's snapshot, with a type's own fields by name.

A type whose registration lists its fields (`EntryType.extra["fields"]`, as every type
defined as data does: FieldDefinitions with a storage `key`, an `api_id`, a `kind` and a
`default`) keeps their values in the snapshot's `data`, keyed by storage key. The rules
name fields as editors know them, so `policy_document` adds each live field's value under
its api_id (a missing key reads as the field's default; field api_ids never clash with
the core names, but the title field may be called "title": it then holds the title) and
the fields' kinds under OWN_FIELDS, which the rules' text, block and link helpers
(governance.policies.kinds.base) read. Nothing here knows a type by name.
"""

from __future__ import annotations

from typing import Any

from content.types import entry_type_for
from governance.policies.kinds.base import OWN_FIELDS


def policy_document(entry: Any, snapshot: dict[str, Any]) -> dict[str, Any]:
    """`snapshot` as the rules read it for `entry`'s type (the snapshot itself when the
    type has no fields of its own)."""
    try:
        fields = entry_type_for(entry).extra.get("fields") or ()
    except LookupError:
        return snapshot
    if not fields:
        return snapshot
    data = snapshot.get("data") or {}
    document = dict(snapshot)
    for field in fields:
        document[field.api_id] = data.get(field.key, field.default)
    document[OWN_FIELDS] = {field.api_id: str(field.kind) for field in fields}
    return document
