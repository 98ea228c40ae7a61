"""What every rule shares: the Violation shape, text extraction and params checks.

A rule is `check(snapshot: dict, params: dict) -> list[Violation]`, where `snapshot`
is a Revision.snapshot (title, slug, body blocks, summary, seo fields, ids of related
objects, locale code), with the type's own fields added by name where it has some
(governance.policies.document), and `params` have already passed the rule's
`clean_params`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any

from django.core.exceptions import ValidationError

from content.blocks import plain_text
from content.models import FieldKind

# Snapshot fields that hold prose a reader sees (body blocks are handled separately).
TEXT_FIELDS = ("title", "summary", "seo_title", "meta_description")
HREF_RE = re.compile(r"""href\s*=\s*["']([^"']*)["']""", re.IGNORECASE)
# Where governance.policies.document lists a type's own fields: {api_id: kind}; their
# values are in the snapshot under their api_ids. The kinds the rules read:
OWN_FIELDS = "__fields__"
PLAIN_TEXT = (FieldKind.TEXT, FieldKind.LONG_TEXT)
LONG_TEXT = FieldKind.LONG_TEXT
RICH_TEXT = FieldKind.RICH_TEXT  # a block list, as the body
URL = FieldKind.URL


@dataclass(frozen=True)
class Violation:
    field: str
    rule: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def block_texts(block: dict) -> list[str]:
    """The HTML or text fragments of one body block that a reader sees."""
    value = block.get("value") or {}
    if not isinstance(value, dict):
        return []
    texts = [value.get(name) for name in ("text", "caption", "alt", "attribution")]
    texts += list(value.get("items") or [])
    return [t for t in texts if isinstance(t, str) and t]


def own_fields(snapshot: dict[str, Any], *kinds: str) -> Iterator[tuple[str, Any]]:
    """(api_id, value) of the type's own fields of these kinds (governance.policies.document
    adds them to a snapshot; a type without own fields has none)."""
    for name, kind in (snapshot.get(OWN_FIELDS) or {}).items():
        if kind in kinds:
            yield name, snapshot.get(name)


def block_fields(snapshot: dict[str, Any]) -> Iterator[tuple[str, list]]:
    """(field, block list): the body, then each rich-text field of the type."""
    yield "body", snapshot.get("body") or []
    for name, value in own_fields(snapshot, RICH_TEXT):
        yield name, value if isinstance(value, list) else []


def blocks(snapshot: dict[str, Any]) -> Iterator[tuple[str, dict]]:
    """(label, block) for every block of every block field: "body[2]", "notes[1]"."""
    for name, found in block_fields(snapshot):
        for index, block in enumerate(found, start=1):
            if isinstance(block, dict):
                yield f"{name}[{index}]", block


def field_texts(snapshot: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(field label, plain text) for the title, summary, SEO fields, the type's own text
    fields (by api_id) and each block of the body and of its rich-text fields."""
    for name in TEXT_FIELDS:
        value = snapshot.get(name)
        if isinstance(value, str) and value:
            yield name, value
    for name, value in own_fields(snapshot, *PLAIN_TEXT):
        if name not in TEXT_FIELDS and isinstance(value, str) and value:
            yield name, value
    for label, block in blocks(snapshot):
        for text in block_texts(block):
            yield label, plain_text(text)


def _blocks_plain_text(found: list) -> str:
    texts = [text for block in found if isinstance(block, dict) for text in block_texts(block)]
    return "\n".join(plain_text(text) for text in texts)


def body_plain_text(snapshot: dict[str, Any]) -> str:
    """The body's prose as plain text, one block per line (code blocks excluded)."""
    return _blocks_plain_text(snapshot.get("body") or [])


def prose(snapshot: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(field, plain text) of each field a reader reads at length: the body, then the
    type's rich-text and long-text fields."""
    for name, found in block_fields(snapshot):
        yield name, _blocks_plain_text(found)
    for name, value in own_fields(snapshot, LONG_TEXT):
        if isinstance(value, str):
            yield name, value


def body_links(snapshot: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(field label, href) for every link in the body and the type's rich-text fields
    ("body[3]"), embeds included, and the type's URL fields (by api_id)."""
    for label, block in blocks(snapshot):
        for text in block_texts(block):
            for href in HREF_RE.findall(text):
                yield label, href.strip()
        value = block.get("value") or {}
        if block.get("type") == "embed" and isinstance(value.get("url"), str):
            yield label, value["url"]
    for name, value in own_fields(snapshot, URL):
        if isinstance(value, str) and value:
            yield name, value.strip()


# --- Params helpers ---------------------------------------------------------------------


def params_dict(params: Any, allowed: set[str]) -> dict[str, Any]:
    if not isinstance(params, dict):
        raise ValidationError({"params": ["Parameters must be a JSON object."]})
    unknown = sorted(set(params) - allowed)
    if unknown:
        raise ValidationError(
            {
                "params": [
                    f"Unknown parameter(s): {', '.join(unknown)}. "
                    f"Allowed: {', '.join(sorted(allowed)) or 'none'}."
                ]
            }
        )
    return params


def string_list(params: dict, name: str, *, required: bool = False) -> list[str]:
    value = params.get(name, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValidationError({"params": [f"`{name}` must be a list of non-empty strings."]})
    if required and not value:
        raise ValidationError({"params": [f"`{name}` must list at least one entry."]})
    return [v.strip() for v in value]


def number(params: dict, name: str, default: float, *, low: float, high: float) -> float:
    value = params.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise ValidationError({"params": [f"`{name}` must be a number from {low} to {high}."]})
    return value
