"""A changelist paginator that never COUNT(*)s a whole table.

Django's admin counts every matching row to number the pages; at a million rows that
count alone takes longer than the page should. This paginator counts at most
COUNT_CAP + 1 rows (a bounded subquery). Past the cap it reports the planner's row
estimate on PostgreSQL (EXPLAIN, no scan), and the pagination template says "about".
"""

from __future__ import annotations

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.utils.functional import cached_property

from core.counting import bounded_count, planner_estimate

COUNT_CAP = 10_000


class FastCountPaginator(Paginator):
    is_estimate = False

    @cached_property
    def count(self) -> int:
        tally = bounded_count(self.object_list, COUNT_CAP)
        if tally.kind == "exact":
            return tally.value
        self.is_estimate = True
        return max(planner_estimate(self.object_list) or 0, COUNT_CAP + 1)

    def validate_number(self, number):
        self.count  # noqa: B018 - decides whether the count is an estimate
        if not self.is_estimate:
            return super().validate_number(number)
        # An estimate may overshoot: a page past the real end is empty, not an error.
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger("That page number is not an integer.") from None
        if number < 1:
            raise EmptyPage("That page number is less than 1.")
        return number
