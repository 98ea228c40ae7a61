"""Pagination with a bounded, strictly validated `limit`."""

from __future__ import annotations

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination


def parse_limit(params, *, default: int, maximum: int) -> int:
    """Return `?limit=` as an int in 1..maximum; anything else is a 400, never a silent clamp."""
    raw = params.get("limit")
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if not 1 <= value <= maximum:
        raise ValidationError({"limit": [f"Must be a whole number from 1 to {maximum}."]})
    return value


class LimitPageNumberPagination(PageNumberPagination):
    """`{"count", "next", "previous", "results"}` with `?page=` and `?limit=` (at most 100)."""

    page_size = 20
    page_size_query_param = "limit"
    max_page_size = 100

    def get_page_size(self, request):
        return parse_limit(request.query_params, default=self.page_size, maximum=self.max_page_size)

    def paginate_queryset(self, queryset, request, view=None):
        raw = request.query_params.get(self.page_query_param, "1")
        try:
            page = int(raw)
        except ValueError:
            page = 0
        if page < 1:
            raise ValidationError({"page": ["Must be a positive whole number."]})
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view):
        """Document the bounds enforced above, so clients and schema fuzzers stay within them."""
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(
                    minimum=1, maximum=self.max_page_size, default=self.page_size
                )
            elif parameter["name"] == self.page_query_param:
                parameter["schema"].update(minimum=1)
        return parameters
