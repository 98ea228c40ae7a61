"""Serializer building blocks shared by every app's API."""

from __future__ import annotations

from rest_framework import serializers


class StrictFieldsMixin:
    """Reject unknown fields with a 400 instead of silently dropping them.

    A typo in a field name would otherwise look like a successful update.
    """

    def to_internal_value(self, data):
        if isinstance(data, dict):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            unknown = sorted(set(data) - writable)
            if unknown:
                raise serializers.ValidationError(
                    {name: ["Unknown or read-only field."] for name in unknown}
                )
        return super().to_internal_value(data)


class StrictSerializer(StrictFieldsMixin, serializers.Serializer):
    """A plain input serializer that refuses unknown fields."""
