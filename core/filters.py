"""Filter building blocks shared by every app's API."""

from __future__ import annotations

from datetime import UTC, datetime

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_filters.fields import IsoDateTimeField


def to_utc(value: datetime, name: str) -> datetime:
    """`value` in UTC (naive values are taken as the current time zone).

    PostgreSQL only takes UTC offsets up to ±15:59, so every date-time from outside is
    converted before it reaches a query; one outside the representable years is a 400.
    """
    try:
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value.astimezone(UTC)
    except (OverflowError, ValueError):
        raise ValidationError({name: ["Enter a date and time within years 1 to 9999."]}) from None


class UTCIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 date-time, converted to UTC before it reaches the database.

    Python accepts UTC offsets up to ±23:59 but PostgreSQL only up to ±15:59, so an
    unusual offset passed through as-is is a database error (a 500). Converting to UTC
    keeps the same instant; one that falls outside the representable years is a 400.
    """

    def to_python(self, value):
        parsed = super().to_python(value)
        if parsed is None or timezone.is_naive(parsed):
            return parsed
        try:
            return parsed.astimezone(UTC)
        except OverflowError:
            raise forms.ValidationError("Enter a date and time within years 1 to 9999.") from None


class UTCIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UTCIsoDateTimeField


MAX_BIGINT = 2**63 - 1


class IntegerFilter(django_filters.Filter):
    """A whole number in the column's range (by default a row id: 1 to 2**63 - 1), else a 400.

    django-filter's NumberFilter takes any decimal, such as "1e+80" or "0.5": SQLite cannot
    bind an integer past 64 bits, so a huge one was a 500 there.
    """

    field_class = forms.IntegerField

    def __init__(self, *args, min_value: int = 1, max_value: int = MAX_BIGINT, **kwargs):
        super().__init__(*args, min_value=min_value, max_value=max_value, **kwargs)
