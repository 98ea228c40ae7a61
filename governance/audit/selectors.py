"""Reads of the audit log."""

from __future__ import annotations

from django.db.models import QuerySet

from governance.models import AuditEvent


def audit_event_list() -> QuerySet[AuditEvent]:
    return AuditEvent.objects.select_related("actor").order_by("-id")
