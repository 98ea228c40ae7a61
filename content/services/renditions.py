"""Renditions: resized or converted copies of an image, made on demand and stored.

A spec is one or more operations joined by `|`, e.g. `fill-800x600|format-webp`:
- `fill-WxH`: crop to exactly WxH around the focal point (or the centre);
- `max-WxH` / `max-N`: fit inside WxH (NxN), never upscaling;
- `width-N` / `height-N`: scale to that width / height, never upscaling;
- `format-webp|jpeg|png`: change the output format.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from PIL import Image, ImageOps

from content.models import MediaAsset, MediaKind, Rendition

MAX_DIMENSION = 4000
FORMATS = {"webp": ("WEBP", "webp"), "jpeg": ("JPEG", "jpg"), "png": ("PNG", "png")}
_OP_RE = re.compile(
    r"^(?:(fill)-(\d+)x(\d+)|(max)-(\d+)(?:x(\d+))?|(width|height)-(\d+)|(format)-(webp|jpeg|png))$"
)


@dataclass(frozen=True)
class Spec:
    resize: tuple[str, int, int] | None  # (mode, width, height)
    format: str | None

    def canonical(self) -> str:
        parts = []
        if self.resize:
            mode, w, h = self.resize
            parts.append(
                {
                    "fill": f"fill-{w}x{h}",
                    "max": f"max-{w}x{h}",
                    "width": f"width-{w}",
                    "height": f"height-{h}",
                }[mode]
            )
        if self.format:
            parts.append(f"format-{self.format}")
        return "|".join(parts)


def spec_parse(raw: str) -> Spec:
    """Parse and bound a rendition spec; anything unknown is a ValidationError."""
    error = ValidationError({"rendition": [f"Invalid rendition spec: {raw[:100]!r}."]})
    if not raw or len(raw) > 100:
        raise error
    resize, fmt = None, None
    for op in raw.split("|"):
        match = _OP_RE.match(op)
        if not match:
            raise error
        g = match.groups()
        if g[0]:
            new = ("fill", int(g[1]), int(g[2]))
        elif g[3]:
            new = ("max", int(g[4]), int(g[5] or g[4]))
        elif g[6]:
            n = int(g[7])
            new = (g[6], n, 0) if g[6] == "width" else (g[6], 0, n)
        else:
            if fmt:
                raise error
            fmt = g[9]
            continue
        dims = {"fill": new[1:], "max": new[1:], "width": new[1:2], "height": new[2:]}[new[0]]
        if resize or not all(0 < d <= MAX_DIMENSION for d in dims):
            raise error
        resize = new
    return Spec(resize=resize, format=fmt)


def _crop_box(img: Image.Image, w: int, h: int, fx: int | None, fy: int | None) -> tuple:
    src_w, src_h = img.size
    scale = max(w / src_w, h / src_h)
    crop_w, crop_h = round(w / scale), round(h / scale)
    cx = fx if fx is not None else src_w // 2
    cy = fy if fy is not None else src_h // 2
    left = min(max(cx - crop_w // 2, 0), src_w - crop_w)
    top = min(max(cy - crop_h // 2, 0), src_h - crop_h)
    return (left, top, left + crop_w, top + crop_h)


def render(asset: MediaAsset, spec: Spec) -> tuple[bytes, int, int, str]:
    """Make the rendition's bytes: (data, width, height, extension)."""
    with asset.file.open("rb") as handle, Image.open(handle) as original:
        img = ImageOps.exif_transpose(original)
        img.load()
    if spec.resize:
        mode, w, h = spec.resize
        if mode == "fill":
            box = _crop_box(img, w, h, asset.focal_point_x, asset.focal_point_y)
            img = img.resize((w, h), Image.Resampling.LANCZOS, box=box)
        elif mode == "max":
            img.thumbnail((w, h), Image.Resampling.LANCZOS)
        elif mode == "width" and w < img.width:
            img = img.resize(
                (w, max(1, round(img.height * w / img.width))), Image.Resampling.LANCZOS
            )
        elif mode == "height" and h < img.height:
            img = img.resize(
                (max(1, round(img.width * h / img.height)), h), Image.Resampling.LANCZOS
            )
    source_format = (asset.mime_type.split("/")[-1] or "png").lower()
    fmt = spec.format or (
        "jpeg" if source_format == "jpeg" else "webp" if source_format == "webp" else "png"
    )
    pil_format, ext = FORMATS[fmt]
    if pil_format == "JPEG" and img.mode not in ("RGB", "L"):
        img = img.convert("RGB")
    elif img.mode not in ("RGB", "RGBA", "L", "LA", "P"):
        img = img.convert("RGBA")
    out = io.BytesIO()
    img.save(out, format=pil_format, quality=85, optimize=True)
    return out.getvalue(), img.width, img.height, ext


def rendition_get_or_create(*, asset: MediaAsset, spec: str) -> Rendition:
    """The stored rendition for `spec`, made now if missing (idempotent, race-safe)."""
    if asset.kind != MediaKind.IMAGE:
        raise ValidationError({"rendition": ["Only images have renditions."]})
    parsed = spec_parse(spec)
    canonical = parsed.canonical()
    existing = Rendition.objects.filter(asset=asset, spec=canonical).first()
    if existing:
        return existing
    data, width, height, ext = render(asset, parsed)
    # A crop's name carries the focal point, so a new point is a new URL: no browser or CDN
    # keeps showing the crop made around the old one.
    focus = (
        f"-at-{asset.focal_point_x}-{asset.focal_point_y}"
        if parsed.resize and parsed.resize[0] == "fill" and asset.focal_point_x is not None
        else ""
    )
    name = f"{asset.sha256[:16]}-{re.sub(r'[^a-z0-9]+', '-', canonical)}{focus}.{ext}"
    rendition = Rendition(asset=asset, spec=canonical, width=width, height=height)
    rendition.file.save(name, ContentFile(data), save=False)
    try:
        with transaction.atomic():
            rendition.save()
    except IntegrityError:
        # Another request made it first; keep theirs and drop our file.
        rendition.file.delete(save=False)
        return Rendition.objects.get(asset=asset, spec=canonical)
    return rendition
