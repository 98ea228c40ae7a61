"""Folio's own rendering of an item, for the admin's preview panel when no frontend is set
(FRONTEND_PREVIEW_URL): a clean page with the title, the lead, the hero image, the body and
the type's own fields, read from the item exactly as the delivery API would deliver it
(content.delivery.payloads.render), so what the panel shows is what a frontend gets.

Rich text comes from blocks that passed content.blocks.body_clean (the live preview runs
the save's own cleaning), rendered by content.blocks_html; the panel shows the page in a
sandboxed frame that runs no script.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from content.blocks_html import blocks_to_html
from content.delivery.payloads import Related, render
from content.delivery.registry import entry_delivery_for
from content.models import PublishableCore, Revision
from content.types import CORE_SUMMARY, entry_type_for

# Delivered keys the page shows in places of their own.
PLACED = {*CORE_SUMMARY, "translation_key", "body", "seo", "summary", "cover_image"}


def _is_blocks(value: Any) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(b, dict) and "type" in b and "value" in b for b in value)
    )


def _blocks_html(blocks: list[dict[str, Any]]) -> str:
    """Delivered blocks (images as media objects) as HTML: back to stored blocks first."""
    stored, urls = [], {}
    for block in blocks:
        image = block["value"].get("image") if block["type"] == "image" else None
        if isinstance(image, dict):
            urls[image["id"]] = image["url"]
            block = {"type": "image", "value": {**block["value"], "image": image["id"]}}
        stored.append(block)
    return blocks_to_html(stored, media_urls=urls)


def _image(media: Any) -> dict[str, Any] | None:
    return media if isinstance(media, dict) and media.get("kind") == "image" else None


def _text(value: Any) -> str:
    """A plain value as a reader sees it: a related item by its name, lists joined."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dict):  # a category, a tag, an author, a referenced entry
        named = value.get("name") or value.get("title") or value.get("url")
        if not named and "id" in value:
            named = f"{value.get('type', '')} {value['id']}".strip()
        return str(named or "")
    if isinstance(value, list):
        return ", ".join(filter(None, (_text(v) for v in value)))
    return "" if value is None else str(value)


def _labels(entry: PublishableCore) -> dict[str, str]:
    """Field labels: a runtime type's own, else the model fields' verbose names."""
    entry_type = entry_type_for(entry)
    if entry_type.runtime:
        return {field.api_id: field.label for field in entry_type.extra["fields"]}
    labels = {}
    for name in entry_type.summary + tuple(entry_type.editable):
        try:
            labels[name] = str(entry._meta.get_field(name).verbose_name).capitalize()
        except FieldDoesNotExist:
            continue
    return labels


def _fields(entry: PublishableCore, item: dict[str, Any]) -> list[dict[str, Any]]:
    """The type's own keys, in delivery order: rich text, an image, or a line of text."""
    labels = _labels(entry)
    shown = []
    for key, value in item.items():
        if key in PLACED or value in (None, "", []):
            continue
        label = labels.get(key) or key.replace("_", " ").capitalize()
        if _is_blocks(value):
            shown.append({"label": label, "html": mark_safe(_blocks_html(value))})  # noqa: S308
        elif _image(value):
            shown.append({"label": label, "image": value})
        elif text := _text(value):
            shown.append({"label": label, "text": text})
    return shown


def preview_page_html(entry: PublishableCore, revision: Revision) -> str:
    """`revision` of `entry` (saved, or a live preview's unsaved draft) as a page."""
    delivery = entry_delivery_for(entry)
    related = Related.load([revision.snapshot], delivery)
    item = render(entry, revision, related, delivery).detail
    seo = item["seo"]
    context = {
        "item": item,
        "type_label": entry_type_for(entry).model._meta.verbose_name.capitalize(),
        "lead": item.get("summary") or seo["description"],
        "hero": _image(item.get("cover_image")) or _image(seo["og_image"]),
        # Cleaned on the way in (body_clean), whether saved or only previewed.
        "body": mark_safe(_blocks_html(item["body"])),  # noqa: S308
        "fields": _fields(entry, item),
        "seo": seo,
    }
    return render_to_string("admin/content/preview_page.html", context)
