"""Heading order: levels never skip (h2 → h4), for screen-reader navigation."""

from __future__ import annotations

from typing import Any

from governance.policies.kinds.base import Violation, number, params_dict


def heading_order_params(params: Any) -> dict:
    params = params_dict(params, {"start_level"})
    return {"start_level": int(number(params, "start_level", 2, low=1, high=4))}


def heading_order(snapshot: dict, params: dict) -> list[Violation]:
    """Each heading is at most one level deeper than the one before (the title is h1)."""
    previous = params.get("start_level", 2) - 1
    violations = []
    for index, block in enumerate(snapshot.get("body") or [], start=1):
        if not isinstance(block, dict) or block.get("type") != "heading":
            continue
        level = (block.get("value") or {}).get("level")
        if not isinstance(level, int):
            continue
        if level > previous + 1:
            violations.append(
                Violation(
                    f"body[{index}]",
                    "heading_order",
                    f"Heading level {level} follows level {previous}; use level {previous + 1}.",
                )
            )
        previous = level
    return violations
