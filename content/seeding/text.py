"""Plausible words for seeded content: titles, summaries and block bodies.

Deterministic for a given `random.Random`, so two seeding runs write the same site and
a benchmark measures the same bodies every time.
"""

from __future__ import annotations

import random
from typing import Any

SUBJECTS = (
    "editors",
    "readers",
    "the newsroom",
    "our team",
    "small publishers",
    "the city council",
    "researchers",
    "designers",
    "developers",
    "gardeners",
    "travellers",
    "musicians",
)
VERBS = (
    "rethink",
    "measure",
    "publish",
    "review",
    "schedule",
    "explore",
    "simplify",
    "document",
    "translate",
    "archive",
    "celebrate",
    "question",
)
OBJECTS = (
    "the content workflow",
    "long-form stories",
    "open data",
    "accessible design",
    "search results",
    "the image library",
    "editorial policy",
    "a new delivery API",
    "weekend markets",
    "night trains",
    "urban gardens",
    "independent music",
)
# Every seeded image block describes itself, as content policies expect of editors.
ALT = "Abstract illustration in the colours of the section"
WORDS = (
    "content",
    "governance",
    "publish",
    "review",
    "editor",
    "article",
    "page",
    "delivery",
    "cache",
    "search",
    "frontend",
    "workflow",
    "policy",
    "audit",
    "revision",
    "schedule",
    "media",
    "image",
    "category",
    "tag",
    "author",
    "reader",
    "story",
    "news",
    "report",
    "garden",
    "travel",
    "science",
    "music",
    "design",
    "code",
    "market",
    "city",
)


def title(rng: random.Random) -> str:
    """A headline such as "How designers rethink open data"."""
    opener = rng.choice(("How", "Why", "When", "Where", "Ten ways", "What it takes for"))
    return f"{opener} {rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}"


def sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def paragraph_text(rng: random.Random, words: int) -> str:
    """Sentences of 8-16 words adding up to about `words`."""
    parts, written = [], 0
    while written < words:
        n = rng.randint(8, 16)
        parts.append(sentence(rng, n))
        written += n
    return " ".join(parts)


def body(
    rng: random.Random,
    *,
    paragraphs: int = 3,
    words: tuple[int, int] = (40, 80),
    image_ids: list[int] | None = None,
) -> list[dict[str, Any]]:
    """Blocks in the shape content.blocks accepts: paragraphs, a heading every fifth
    paragraph, and one image block after the first paragraph when images are given."""
    blocks: list[dict[str, Any]] = []
    for n in range(1, paragraphs + 1):
        text = paragraph_text(rng, rng.randint(*words))
        blocks.append({"type": "paragraph", "value": {"text": text}})
        if n == 1 and image_ids:
            blocks.append(
                {
                    "type": "image",
                    "value": {"image": rng.choice(image_ids), "alt": ALT, "caption": ""},
                }
            )
        if n % 5 == 0 and n < paragraphs:
            heading = rng.choice(WORDS).title()
            blocks.append({"type": "heading", "value": {"text": heading, "level": 2}})
    return blocks


class Pool:
    """Pre-written titles, summaries and paragraphs to draw from.

    Writing every word with `rng.choice` costs more than inserting the row; the bulk
    seeder picks whole pieces from a pool instead, so text is never its bottleneck.
    """

    def __init__(self, rng: random.Random, size: int = 256, words: tuple[int, int] = (40, 80)):
        self.rng = rng
        self.titles = [title(rng) for _ in range(size)]
        self.summaries = [sentence(rng, 24) for _ in range(size)]
        self.paragraphs = [paragraph_text(rng, rng.randint(*words)) for _ in range(size)]
        self.headings = [w.title() for w in WORDS]

    def title(self) -> str:
        return self.rng.choice(self.titles)

    def summary(self) -> str:
        return self.rng.choice(self.summaries)

    def body(self, *, paragraphs: int, image_ids: list[int]) -> list[dict[str, Any]]:
        """Same shape as `body()`: paragraphs, headings every fifth, one image block."""
        choice = self.rng.choice
        blocks: list[dict[str, Any]] = []
        for n in range(1, paragraphs + 1):
            blocks.append({"type": "paragraph", "value": {"text": choice(self.paragraphs)}})
            if n == 1 and image_ids:
                image = {"image": choice(image_ids), "alt": ALT, "caption": ""}
                blocks.append({"type": "image", "value": image})
            if n % 5 == 0 and n < paragraphs:
                heading = {"text": choice(self.headings), "level": 2}
                blocks.append({"type": "heading", "value": heading})
        return blocks
