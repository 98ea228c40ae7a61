"""Alt text on every image: image blocks (the body, a type's rich-text fields) and the
cover image."""

from __future__ import annotations

from typing import Any

from governance.policies.kinds.base import Violation, blocks, params_dict


def image_alt_text_params(params: Any) -> dict:
    return params_dict(params, set())


def image_alt_text(snapshot: dict, params: dict) -> list[Violation]:
    """Every image has alt text: on its block, or else on the media asset itself."""
    from content.models import MediaAsset

    wanted: list[tuple[str, int]] = []
    for label, block in blocks(snapshot):
        if block.get("type") == "image":
            value = block.get("value") or {}
            if not (value.get("alt") or "").strip() and value.get("image"):
                wanted.append((label, value["image"]))
    if snapshot.get("cover_image"):
        wanted.append(("cover_image", snapshot["cover_image"]))
    if not wanted:
        return []
    with_alt = set(
        MediaAsset.objects.filter(pk__in={pk for _, pk in wanted})
        .exclude(alt_text="")
        .values_list("pk", flat=True)
    )
    return [
        Violation(
            field, "image_alt_text", f"Image {pk} has no alt text; describe it for screen readers."
        )
        for field, pk in wanted
        if pk not in with_alt
    ]
