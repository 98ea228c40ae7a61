"""Readability: the Flesch reading ease of the body (and of a type's rich-text and
long-text fields, each on its own), computed in pure Python."""

from __future__ import annotations

import re
from typing import Any

from governance.policies.kinds.base import Violation, number, params_dict, prose

WORD_RE = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ]+(?:['\u2019][A-Za-z]+)*")
SENTENCE_END_RE = re.compile(r"[.!?]+(?:\s|$)|\n+")


def count_syllables(word: str) -> int:
    """An English syllable estimate: vowel groups, minus a silent final e, at least one."""
    word = word.lower()
    groups = re.findall(r"[aeiouy]+", word)
    count = len(groups)
    if word.endswith("e") and not word.endswith(("le", "ee", "ye")) and count > 1:
        count -= 1
    return max(count, 1)


def flesch_reading_ease(text: str) -> float | None:
    """206.835 - 1.015 * words/sentence - 84.6 * syllables/word; None when there is no text."""
    words = WORD_RE.findall(text)
    if not words:
        return None
    sentences = max(len([s for s in SENTENCE_END_RE.split(text) if WORD_RE.search(s)]), 1)
    syllables = sum(count_syllables(w) for w in words)
    return 206.835 - 1.015 * (len(words) / sentences) - 84.6 * (syllables / len(words))


def readability_params(params: Any) -> dict:
    params = params_dict(params, {"min_score", "min_words"})
    return {
        "min_score": number(params, "min_score", 50, low=-100, high=121),
        "min_words": int(number(params, "min_words", 30, low=0, high=100_000)),
    }


def readability(snapshot: dict, params: dict) -> list[Violation]:
    """Each long text (the body; a type's rich-text and long-text fields) scores at least
    `min_score` (Flesch reading ease); short texts are skipped."""
    minimum = params.get("min_score", 50)
    violations = []
    for field, text in prose(snapshot):
        if len(WORD_RE.findall(text)) < params.get("min_words", 30):
            continue
        score = flesch_reading_ease(text)
        if score is None or score >= minimum:
            continue
        violations.append(
            Violation(
                field,
                "readability",
                f"Reading ease is {score:.0f}; aim for at least {minimum:g}. "
                "Use shorter sentences and simpler words.",
            )
        )
    return violations
