"""Heading order: levels never skip (h2 → h4), for screen-reader navigation; in the body
and in each of a type's rich-text fields."""

from __future__ import annotations

from typing import Any

from governance.policies.kinds.base import Violation, block_fields, number, params_dict


def heading_order_params(params: Any) -> dict:
    params = params_dict(params, {"start_level"})
    return {"start_level": int(number(params, "start_level", 2, low=1, high=4))}


def heading_order(snapshot: dict, params: dict) -> list[Violation]:
    """Each heading is at most one level deeper than the one before (the title is h1)."""
    violations = []
    for name, found in block_fields(snapshot):
        previous = params.get("start_level", 2) - 1
        for index, block in enumerate(found, start=1):
            if not isinstance(block, dict) or block.get("type") != "heading":
                continue
            level = (block.get("value") or {}).get("level")
            if not isinstance(level, int):
                continue
            if level > previous + 1:
                violations.append(
                    Violation(
                        f"{name}[{index}]",
                        "heading_order",
                        f"Heading level {level} follows level {previous}; "
                        f"use level {previous + 1}.",
                    )
                )
            previous = level
    return violations
