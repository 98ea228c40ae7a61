"""Query filters for the accounts API. Malformed values are a 400, never silently ignored."""

from __future__ import annotations

import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from accounts.models import User


@extend_schema_field(OpenApiTypes.BOOL)
class StrictBooleanFilter(django_filters.TypedChoiceFilter):
    """`true` or `false`. django-filter's BooleanFilter treats `?is_active=maybe` as no filter
    at all, so a typo would return everyone and look like a filtered answer."""

    def __init__(self, *args, **kwargs):
        kwargs.update(choices=[("true", "true"), ("false", "false")], coerce="true".__eq__)
        super().__init__(*args, **kwargs)


class UserFilter(django_filters.FilterSet):
    is_active = StrictBooleanFilter()

    class Meta:
        model = User
        fields = ["is_active"]
