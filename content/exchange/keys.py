"""Item content with database ids swapped for natural keys, and back.

The exported content of an item is its revision snapshot minus what the record holds
elsewhere (`not_content`: the locale, the owner, a page's parent and url_path), with
media as sha256 digests, categories and tags as slugs and authors as emails. Import
maps them back to the new ids.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from content.types import EntryType

MEDIA_FIELDS = ("og_image", "cover_image")


def not_content(entry_type: EntryType) -> frozenset[str]:
    """Snapshot fields the record carries itself (the locale, the owner, a page's parent)
    or import derives (a page's url_path): every one editors cannot write, and the owner."""
    return frozenset(entry_type.snapshot_fields) - set(entry_type.editable_fields) | {"owner"}


class UnknownKey(Exception):
    """A natural key in the file matches nothing exported before it (or in the site)."""


@dataclass
class Keys:
    """id ↔ natural key lookups for one direction of the exchange."""

    media: dict[Any, Any] = field(default_factory=dict)
    categories: dict[Any, Any] = field(default_factory=dict)
    tags: dict[Any, Any] = field(default_factory=dict)
    users: dict[Any, Any] = field(default_factory=dict)


def _body(body: list[dict], media: dict[Any, Any], what: str) -> list[dict]:
    out = []
    for block in body or []:
        if isinstance(block, dict) and block.get("type") == "image":
            value = dict(block.get("value") or {})
            if value.get("image") not in media:
                raise UnknownKey(f"body image {value.get('image')!r}: no such {what}")
            value["image"] = media[value["image"]]
            block = {"type": "image", "value": value}
        out.append(block)
    return out


def content_to_keys(snapshot: dict[str, Any], keys: Keys, skip: Collection[str]) -> dict[str, Any]:
    """Export: a revision snapshot (ids) → content with natural keys, without `skip`."""
    content = {k: v for k, v in snapshot.items() if k not in skip}
    for name in MEDIA_FIELDS:
        if content.get(name) is not None:
            content[name] = keys.media.get(content[name])
    if "body" in content:
        # Deleted media leave dangling ids in old snapshots; delivery skips them, so do we.
        content["body"] = [
            b
            for b in content["body"]
            if not (b.get("type") == "image" and b["value"].get("image") not in keys.media)
        ]
        content["body"] = _body(content["body"], keys.media, "media")
    if content.get("category") is not None:
        content["category"] = keys.categories.get(content["category"])
    if "tags" in content:
        content["tags"] = sorted(keys.tags[t] for t in content["tags"] if t in keys.tags)
    if "authors" in content:
        content["authors"] = sorted(keys.users[u] for u in content["authors"] if u in keys.users)
    return content


def content_from_keys(content: dict[str, Any], keys: Keys, skip: Collection[str]) -> dict[str, Any]:
    """Import: content with natural keys → data for entry_create / entry_update, without
    `skip`.

    `keys` maps digests, slugs (of the item's locale) and emails to ids. Unknown media,
    categories and tags are errors; unknown authors are dropped (users are not exported).
    """
    data = {k: v for k, v in content.items() if k not in skip}
    for name in MEDIA_FIELDS:
        if data.get(name) is not None:
            if data[name] not in keys.media:
                raise UnknownKey(f"{name} {data[name]!r}: no such media")
            data[name] = keys.media[data[name]]
    if "body" in data:
        if not isinstance(data["body"], list):
            raise UnknownKey("body must be a list of blocks")
        data["body"] = _body(data["body"], keys.media, "media")
    if data.get("category") is not None:
        if data["category"] not in keys.categories:
            raise UnknownKey(f"category {data['category']!r}: no such category in this locale")
        data["category"] = keys.categories[data["category"]]
    if "tags" in data:
        missing = [t for t in data["tags"] or [] if t not in keys.tags]
        if missing:
            raise UnknownKey(f"tags {missing!r}: no such tag in this locale")
        data["tags"] = [keys.tags[t] for t in data["tags"]]
    if "authors" in data:
        data["authors"] = [keys.users[e] for e in data["authors"] or [] if e in keys.users]
    return data
