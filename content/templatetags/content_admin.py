"""Template tags for the content admin.

`fast_date_hierarchy` is Django's date drill-down without its `SELECT DISTINCT` over
every matching row (a full scan at a million rows). The choices at each level come
from one MIN/MAX aggregate, which an index on the date column answers at once; a
year or month in that range with no rows simply shows an empty list when chosen.
"""

from __future__ import annotations

import datetime

from django import template
from django.contrib.admin.templatetags.admin_list import pagination
from django.contrib.admin.templatetags.base import InclusionAdminNode
from django.contrib.admin.utils import get_fields_from_path
from django.db import models
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

register = template.Library()


def _bounds(cl, field_name: str, is_datetime: bool):
    found = cl.queryset.aggregate(first=models.Min(field_name), last=models.Max(field_name))
    first, last = found["first"], found["last"]
    if first is None or last is None:
        return None, None
    if is_datetime and timezone.is_aware(first):
        first, last = timezone.localtime(first), timezone.localtime(last)
    return first, last


def fast_date_hierarchy(cl):
    field_name = cl.date_hierarchy
    field = get_fields_from_path(cl.model, field_name)[-1]
    is_datetime = isinstance(field, models.DateTimeField)
    year_field, month_field, day_field = (f"{field_name}__{p}" for p in ("year", "month", "day"))
    year, month, day = (cl.params.get(f) for f in (year_field, month_field, day_field))

    def link(filters):
        return cl.get_query_string(filters, [f"{field_name}__"])

    first, last = _bounds(cl, field_name, is_datetime)
    if first is None:
        return {"show": True, "back": None, "choices": []}
    if not (year or month or day) and first.year == last.year:
        year = first.year
        if first.month == last.month:
            month = first.month
    if year and month and day:
        date = datetime.date(int(year), int(month), int(day))
        return {
            "show": True,
            "back": {
                "link": link({year_field: year, month_field: month}),
                "title": capfirst(formats.date_format(date, "YEAR_MONTH_FORMAT")),
            },
            "choices": [{"title": capfirst(formats.date_format(date, "MONTH_DAY_FORMAT"))}],
        }
    if year and month:
        year, month = int(year), int(month)
        # The queryset is already narrowed to this month, so MIN/MAX bound its days.
        days = range(first.day, last.day + 1)
        return {
            "show": True,
            "back": {"link": link({year_field: year}), "title": str(year)},
            "choices": [
                {
                    "link": link({year_field: year, month_field: month, day_field: d}),
                    "title": capfirst(
                        formats.date_format(datetime.date(year, month, d), "MONTH_DAY_FORMAT")
                    ),
                }
                for d in days
            ],
        }
    if year:
        year = int(year)
        return {
            "show": True,
            "back": {"link": link({}), "title": _("All dates")},
            "choices": [
                {
                    "link": link({year_field: year, month_field: m}),
                    "title": capfirst(
                        formats.date_format(datetime.date(year, m, 1), "YEAR_MONTH_FORMAT")
                    ),
                }
                for m in range(first.month, last.month + 1)
            ],
        }
    return {
        "show": True,
        "back": None,
        "choices": [
            {"link": link({year_field: str(y)}), "title": str(y)}
            for y in range(first.year, last.year + 1)
        ],
    }


@register.tag(name="fast_date_hierarchy")
def fast_date_hierarchy_tag(parser, token):
    return InclusionAdminNode(
        parser,
        token,
        func=fast_date_hierarchy,
        template_name="date_hierarchy.html",
        takes_context=False,
    )


@register.inclusion_tag("admin/content/pagination.html")
def entry_pagination(cl):
    """Django's `{% pagination cl %}` with content's template for every changelist that uses
    content's: Django looks it up by app label, and a type's model may live in another app."""
    return pagination(cl)
