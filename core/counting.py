"""Counting without reading a whole table: a count that stops at a cap, and PostgreSQL's
estimate for when the exact number past the cap does not matter.

`COUNT(*)` over a million matching rows reads a million rows (or index entries) however
it is written. Lists and dashboards only need "how many, up to a point": counting the
first `cap + 1` rows of an indexed query is as cheap as showing them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Literal

from django.db import connections
from django.db.models import QuerySet


@dataclass(frozen=True)
class Tally:
    """A count as shown: exact, at least `value` (a capped count), or about `value` (the
    planner's estimate past the cap)."""

    value: int
    kind: Literal["exact", "at_least", "about"] = "exact"

    def __str__(self) -> str:
        if self.kind == "at_least":
            return f"{self.value:,}+"
        if self.kind == "about":
            return f"about {self.value:,}"
        return f"{self.value:,}"

    def __bool__(self) -> bool:
        return self.value > 0


def bounded_count(queryset: QuerySet, cap: int) -> Tally:
    """How many rows `queryset` has, reading at most `cap + 1` of them."""
    found = queryset.order_by().values("pk")[: cap + 1].count()
    return Tally(cap, "at_least") if found > cap else Tally(found)


def count_or_estimate(queryset: QuerySet, cap: int) -> Tally:
    """The exact count up to `cap`; past it, PostgreSQL's estimate (or `cap`+ elsewhere)."""
    counted = bounded_count(queryset, cap)
    if counted.kind == "exact":
        return counted
    estimate = planner_estimate(queryset)
    return Tally(max(estimate, cap + 1), "about") if estimate is not None else counted


def planner_estimate(queryset: QuerySet) -> int | None:
    """PostgreSQL's estimate of the rows `queryset` returns (EXPLAIN: no scan), or None
    elsewhere."""
    if connections[queryset.db].vendor != "postgresql":
        return None
    plan = json.loads(queryset.order_by().explain(format="json"))
    return int(plan[0]["Plan"]["Plan Rows"])
