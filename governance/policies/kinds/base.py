"""What every rule shares: the Violation shape, text extraction and params checks.

A rule is `check(snapshot: dict, params: dict) -> list[Violation]`, where `snapshot`
is a Revision.snapshot (title, slug, body blocks, summary, seo fields, ids of related
objects, locale code) and `params` have already passed the rule's `clean_params`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any

from django.core.exceptions import ValidationError

from content.blocks import plain_text

# Snapshot fields that hold prose a reader sees (body blocks are handled separately).
TEXT_FIELDS = ("title", "summary", "seo_title", "meta_description")
HREF_RE = re.compile(r"""href\s*=\s*["']([^"']*)["']""", re.IGNORECASE)


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


def body_fragments(snapshot: dict[str, Any]) -> Iterator[tuple[int, dict, str]]:
    """(1-based block index, block, html fragment) for every text in the body."""
    for index, block in enumerate(snapshot.get("body") or [], start=1):
        if isinstance(block, dict):
            for text in block_texts(block):
                yield index, block, text


def field_texts(snapshot: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(field label, plain text) for the title, summary, SEO fields and each body block."""
    for name in TEXT_FIELDS:
        value = snapshot.get(name)
        if isinstance(value, str) and value:
            yield name, value
    for index, _block, text in body_fragments(snapshot):
        yield f"body[{index}]", plain_text(text)


def body_plain_text(snapshot: dict[str, Any]) -> str:
    """The body's prose as plain text, one block per line (code blocks excluded)."""
    return "\n".join(plain_text(text) for _i, _b, text in body_fragments(snapshot))


def body_links(snapshot: dict[str, Any]) -> Iterator[tuple[int, str]]:
    """(block index, href) for every link in the body; embeds count as links too."""
    for index, block in enumerate(snapshot.get("body") or [], start=1):
        if not isinstance(block, dict):
            continue
        for text in block_texts(block):
            for href in HREF_RE.findall(text):
                yield index, href.strip()
        value = block.get("value") or {}
        if block.get("type") == "embed" and isinstance(value.get("url"), str):
            yield index, value["url"]


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
