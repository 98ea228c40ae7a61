"""Banned terms: whole words or phrases, case-insensitive, in every text a reader sees."""

from __future__ import annotations

import re
from typing import Any

from governance.policies.kinds.base import Violation, field_texts, params_dict, string_list


def banned_terms_params(params: Any) -> dict:
    params = params_dict(params, {"terms"})
    return {"terms": string_list(params, "terms", required=True)}


def _pattern(term: str) -> re.Pattern[str]:
    # \w-boundaries on both sides: "class" never matches inside "classic" or "subclass".
    words = r"\s+".join(re.escape(word) for word in term.split())
    return re.compile(rf"(?<!\w){words}(?!\w)", re.IGNORECASE)


def banned_terms(snapshot: dict, params: dict) -> list[Violation]:
    """No listed term appears as a whole word in the title, summary, SEO fields or body."""
    patterns = [(term, _pattern(term)) for term in params["terms"]]
    violations = []
    for field, text in field_texts(snapshot):
        for term, pattern in patterns:
            if pattern.search(text):
                violations.append(
                    Violation(field, "banned_terms", f"Uses the banned term “{term}”.")
                )
    return violations
