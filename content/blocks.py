"""The body: a list of `{"type", "value"}` blocks, validated and sanitised server-side.

`body_clean(body)` is the one entry point: it checks the shape of every block, runs
every HTML field through nh3 (inline tags only, safe links), strips tags from plain
text fields, checks image blocks point to image MediaAssets, and returns the cleaned
list. Errors name the block: {"body": ["Block 3 (image): media 42 does not exist."]}.
It stores each field in the form the admin's body editor writes back (HTML fields in
content.inline_html's canonical form, plain text on one line, code with \n line ends),
so a save from the editor changes only what the editor changed.
Rendering to HTML and parsing the editor's HTML live in content.blocks_html.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

import nh3
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from content.inline_html import canonical_inline_html

MAX_BLOCKS = 500
MAX_HTML_LENGTH = 20_000
MAX_TEXT_LENGTH = 1_000
MAX_CODE_LENGTH = 50_000
MAX_LIST_ITEMS = 200

INLINE_TAGS = {"a", "strong", "em", "code", "br", "s", "sub", "sup"}
INLINE_ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = {"http", "https", "mailto"}
CALLOUT_TONES = ("info", "success", "warning", "danger")
LIST_STYLES = ("bulleted", "numbered")
HEADING_LEVELS = (2, 3, 4)
LANGUAGE_RE = re.compile(r"^[a-z0-9+#._-]{0,30}$")
# Printable ASCII, tabs and newlines, with no "<" or "&": nothing for nh3 to strip or
# unescape, so plain_text can skip it (it runs on every paragraph of every snapshot).
PLAIN_ASCII_RE = re.compile(r"[\t\n -%'-;=-~]*\Z")
# HTML's whitespace (not \u00a0, which is meant): runs of it are one space in a line of text.
WHITESPACE_RE = re.compile(r"[ \t\n\r\f]+")

_url_validator = URLValidator(schemes=["http", "https"])


class BlockError(Exception):
    """One block is invalid; the message says why."""


def sanitize_inline_html(value: str) -> str:
    """Keep only inline formatting and http(s)/mailto/relative links, with rel=noopener."""
    # script/style contents go entirely; every other tag is unwrapped to its text.
    cleaned = nh3.clean(
        value,
        tags=INLINE_TAGS,
        clean_content_tags={"script", "style", "template", "noscript", "iframe", "object"},
        attributes=INLINE_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener",
        strip_comments=True,
    )
    return canonical_inline_html(cleaned).strip()


def plain_text(value: str) -> str:
    """Text with every tag removed (stored unescaped; renderers escape it)."""
    if PLAIN_ASCII_RE.match(value):
        return value.strip()
    # Repeat until stable, so "&lt;script&gt;" cannot unescape into a live tag.
    for _ in range(5):
        cleaned = html.unescape(
            nh3.clean(value, tags=set(), clean_content_tags={"script", "style"})
        )
        if cleaned == value:
            break
        value = cleaned
    return value.strip()


def line_text(value: str) -> str:
    """A plain-text field (alt text, caption, attribution): tags removed, on one line."""
    return WHITESPACE_RE.sub(" ", plain_text(value)).strip()


def normalize_newlines(value: str) -> str:
    """\r\n and \r as \n: what browsers and HTML parsers make of line ends anyway."""
    return value.replace("\r\n", "\n").replace("\r", "\n")


# --- Field readers ----------------------------------------------------------------------


def _value_dict(value: Any, allowed: set[str], required: set[str]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise BlockError("`value` must be an object.")
    unknown = sorted(set(value) - allowed)
    if unknown:
        raise BlockError(f"unknown field(s): {', '.join(unknown)}.")
    missing = sorted(required - set(value))
    if missing:
        raise BlockError(f"missing field(s): {', '.join(missing)}.")
    return value


def _string(value: dict, name: str, *, max_length: int, required: bool = True) -> str:
    raw = value.get(name, "")
    if raw is None and not required:
        return ""
    if not isinstance(raw, str):
        raise BlockError(f"`{name}` must be a string.")
    if len(raw) > max_length:
        raise BlockError(f"`{name}` is longer than {max_length} characters.")
    return raw


def _html(value: dict, name: str, *, required: bool = True) -> str:
    cleaned = sanitize_inline_html(_string(value, name, max_length=MAX_HTML_LENGTH))
    if required and not cleaned:
        raise BlockError(f"`{name}` must not be empty.")
    return cleaned


def _text(value: dict, name: str, *, required: bool = False) -> str:
    cleaned = line_text(_string(value, name, max_length=MAX_TEXT_LENGTH, required=required))
    if required and not cleaned:
        raise BlockError(f"`{name}` must not be empty.")
    return cleaned


# --- Block validators -------------------------------------------------------------------


def _paragraph(value: Any) -> dict:
    value = _value_dict(value, {"text"}, {"text"})
    return {"text": _html(value, "text")}


def _heading(value: Any) -> dict:
    value = _value_dict(value, {"text", "level"}, {"text", "level"})
    level = value["level"]
    if isinstance(level, bool) or level not in HEADING_LEVELS:
        raise BlockError("`level` must be 2, 3 or 4.")
    return {"text": _html(value, "text"), "level": level}


def _image(value: Any) -> dict:
    value = _value_dict(value, {"image", "alt", "caption"}, {"image"})
    media_id = value["image"]
    if isinstance(media_id, bool) or not isinstance(media_id, int) or media_id < 1:
        raise BlockError("`image` must be a media id.")
    return {
        "image": media_id,
        "alt": _text(value, "alt"),
        "caption": _text(value, "caption"),
    }


def _quote(value: Any) -> dict:
    value = _value_dict(value, {"text", "attribution"}, {"text"})
    return {"text": _html(value, "text"), "attribution": _text(value, "attribution")}


def _list(value: Any) -> dict:
    value = _value_dict(value, {"style", "items"}, {"style", "items"})
    if value["style"] not in LIST_STYLES:
        raise BlockError("`style` must be bulleted or numbered.")
    items = value["items"]
    if not isinstance(items, list) or not items:
        raise BlockError("`items` must be a non-empty list.")
    if len(items) > MAX_LIST_ITEMS:
        raise BlockError(f"`items` holds more than {MAX_LIST_ITEMS} entries.")
    cleaned = []
    for index, item in enumerate(items, start=1):
        if not isinstance(item, str) or len(item) > MAX_HTML_LENGTH:
            raise BlockError(f"item {index} must be a string.")
        cleaned.append(sanitize_inline_html(item))
    return {"style": value["style"], "items": cleaned}


def _embed(value: Any) -> dict:
    value = _value_dict(value, {"url"}, {"url"})
    url = _string(value, "url", max_length=2000).strip()
    try:
        _url_validator(url)
    except ValidationError:
        raise BlockError("`url` must be an http(s) URL.") from None
    return {"url": url}


def _code(value: Any) -> dict:
    value = _value_dict(value, {"language", "code"}, {"code"})
    language = _string(value, "language", max_length=30, required=False).strip().lower()
    if not LANGUAGE_RE.match(language):
        raise BlockError("`language` may hold only letters, digits and + # . _ -.")
    # Code is text, never HTML: renderers escape it, so it is stored as typed, except for
    # line ends (a browser posts a textarea's as \r\n; an untouched save must not change it).
    code = normalize_newlines(_string(value, "code", max_length=MAX_CODE_LENGTH))
    return {"language": language, "code": code}


def _callout(value: Any) -> dict:
    value = _value_dict(value, {"tone", "text"}, {"tone", "text"})
    if value["tone"] not in CALLOUT_TONES:
        raise BlockError(f"`tone` must be one of: {', '.join(CALLOUT_TONES)}.")
    return {"tone": value["tone"], "text": _html(value, "text")}


BLOCK_TYPES: dict[str, Callable[[Any], dict]] = {
    "paragraph": _paragraph,
    "heading": _heading,
    "image": _image,
    "quote": _quote,
    "list": _list,
    "embed": _embed,
    "code": _code,
    "callout": _callout,
}


def body_image_ids(body: list[dict]) -> set[int]:
    """Media ids used by image blocks of an already-clean body."""
    return {block["value"]["image"] for block in body if block.get("type") == "image"}


def body_clean(body: Any, *, check_media: bool = True) -> list[dict]:
    """Validate and sanitise a body; a ValidationError({"body": [...]}) lists every bad block."""
    if body is None:
        return []
    if not isinstance(body, list):
        raise ValidationError({"body": ["The body must be a list of blocks."]})
    if len(body) > MAX_BLOCKS:
        raise ValidationError({"body": [f"The body holds more than {MAX_BLOCKS} blocks."]})
    cleaned: list[dict] = []
    errors: list[str] = []
    for index, block in enumerate(body, start=1):
        block_type = block.get("type") if isinstance(block, dict) else None
        label = f"Block {index}" + (f" ({block_type})" if isinstance(block_type, str) else "")
        if not isinstance(block, dict) or set(block) - {"type", "value"}:
            errors.append(f"{label}: must be an object with only `type` and `value`.")
            continue
        validator = BLOCK_TYPES.get(block_type) if isinstance(block_type, str) else None
        if validator is None:
            errors.append(f"{label}: unknown block type; use one of {', '.join(BLOCK_TYPES)}.")
            continue
        try:
            cleaned.append({"type": block_type, "value": validator(block.get("value"))})
        except BlockError as exc:
            errors.append(f"{label}: {exc}")
    if not errors and check_media:
        errors = _missing_media(cleaned)
    if errors:
        raise ValidationError({"body": errors})
    return cleaned


def _missing_media(body: list[dict]) -> list[str]:
    from content.models import MediaAsset, MediaKind

    wanted = body_image_ids(body)
    if not wanted:
        return []
    found = set(
        MediaAsset.objects.filter(pk__in=wanted, kind=MediaKind.IMAGE).values_list("pk", flat=True)
    )
    return [
        f"Block {index} (image): image {block['value']['image']} does not exist."
        for index, block in enumerate(body, start=1)
        if block["type"] == "image" and block["value"]["image"] not in found
    ]
