"""Shapes for the governance API."""

from __future__ import annotations

from rest_framework import serializers

from governance.models import AuditEvent


class AuditEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "created_at",
            "actor",
            "actor_repr",
            "action",
            "target_type",
            "target_id",
            "target_repr",
            "changes",
            "metadata",
            "ip",
            "request_id",
            "prev_hash",
            "hash",
        ]
        read_only_fields = fields
