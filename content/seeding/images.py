"""Demo pictures drawn with Pillow: a colour gradient, a few shapes and a label."""

from __future__ import annotations

import io
import random

from PIL import Image, ImageDraw, ImageOps

PALETTES = (
    ("#1d3557", "#a8dadc"),
    ("#264653", "#e9c46a"),
    ("#6d597a", "#ffb4a2"),
    ("#003049", "#fcbf49"),
    ("#2b2d42", "#8d99ae"),
    ("#0b525b", "#99e2b4"),
    ("#3d405b", "#f2cc8f"),
    ("#5f0f40", "#fb8b24"),
    ("#023047", "#8ecae6"),
    ("#283618", "#dda15e"),
)


def demo_png(index: int, label: str, size: tuple[int, int] = (640, 400)) -> bytes:
    """A distinct PNG per index (distinct bytes, so uploads never deduplicate)."""
    rng = random.Random(index)  # noqa: S311 - picture layout, not secrets
    dark, light = PALETTES[index % len(PALETTES)]
    gradient = Image.linear_gradient("L").rotate(rng.choice((0, 45, 90, 135))).resize(size)
    img = ImageOps.colorize(gradient, dark, light)
    draw = ImageDraw.Draw(img)
    width, height = size
    for _ in range(4):
        x, y, r = rng.randint(0, width), rng.randint(0, height), rng.randint(20, 90)
        draw.ellipse((x - r, y - r, x + r, y + r), outline="white", width=3)
    draw.rectangle((0, height - 48, width, height), fill=dark)
    draw.text((16, height - 36), f"{label}  #{index + 1}", fill="white", font_size=24)
    out = io.BytesIO()
    img.save(out, format="PNG", optimize=False)
    return out.getvalue()
