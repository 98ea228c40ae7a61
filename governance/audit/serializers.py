"""Shapes of the audit log in the API."""

from __future__ import annotations

from rest_framework import serializers

from governance.audit.exports import EXPORT_FIELDS
from governance.models import AuditEvent


class AuditEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEvent
        # The export's columns, with the actor as a plain id field.
        fields = [("actor" if f == "actor_id" else f) for f in EXPORT_FIELDS]
        read_only_fields = fields
