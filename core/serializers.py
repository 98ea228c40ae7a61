"""Serializer building blocks shared by every app's API."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers


def _not_a_string(field: serializers.Field, value: Any) -> bool:
    """DRF's CharField (and EmailField, SlugField, ...) turns 123 into "123". JSON that sends
    a number where the schema says string is a client bug, so it is refused. Form and
    multipart values always arrive as strings, so they pass as before."""
    if isinstance(field, serializers.ListField) and isinstance(value, list):
        return any(_not_a_string(field.child, item) for item in value)
    return isinstance(field, serializers.CharField) and isinstance(value, int | float)


class StrictFieldsMixin:
    """Reject unknown fields, and numbers sent for strings, with a 400 instead of silently
    dropping or converting them.

    A typo in a field name would otherwise look like a successful update, and `"title": 123`
    would be stored as "123". Every input serializer (StrictSerializer, the token ones)
    comes through here, nested ones included.
    """

    def to_internal_value(self, data):
        if isinstance(data, dict):
            writable = {name: field for name, field in self.fields.items() if not field.read_only}
            errors = {
                name: ["Unknown or read-only field."] for name in data if name not in writable
            }
            errors |= {
                name: [serializers.CharField.default_error_messages["invalid"]]
                for name, field in writable.items()
                if name in data and _not_a_string(field, data[name])
            }
            if errors:
                raise serializers.ValidationError(dict(sorted(errors.items())))
        return super().to_internal_value(data)


class StrictSerializer(StrictFieldsMixin, serializers.Serializer):
    """A plain input serializer that refuses unknown fields and numbers for strings."""
