"""Alt text on every image: body image blocks and the cover image."""

from __future__ import annotations

from typing import Any

from governance.policies.kinds.base import Violation, params_dict


def image_alt_text_params(params: Any) -> dict:
    return params_dict(params, set())


def image_alt_text(snapshot: dict, params: dict) -> list[Violation]:
    """Every image has alt text: on its block, or else on the media asset itself."""
    from content.models import MediaAsset

    wanted: list[tuple[str, int]] = []
    for index, block in enumerate(snapshot.get("body") or [], start=1):
        if isinstance(block, dict) and block.get("type") == "image":
            value = block.get("value") or {}
            if not (value.get("alt") or "").strip() and value.get("image"):
                wanted.append((f"body[{index}]", value["image"]))
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
