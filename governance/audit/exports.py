"""Streaming CSV and JSONL exports of the audit log, shared by the admin and the API."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse

from governance.audit.services import HASHED_FIELDS
from governance.models import AuditEvent

EXPORT_FIELDS = ("id", *HASHED_FIELDS, "prev_hash", "hash")


def _row(event: AuditEvent) -> dict:
    row = {field: getattr(event, field) for field in EXPORT_FIELDS}
    row["created_at"] = event.created_at.isoformat()
    return row


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(events: Iterable[AuditEvent]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(EXPORT_FIELDS)
    for event in events:
        row = _row(event)
        row["changes"] = json.dumps(row["changes"], sort_keys=True, default=str)
        row["metadata"] = json.dumps(row["metadata"], sort_keys=True, default=str)
        yield writer.writerow([row[f] if row[f] is not None else "" for f in EXPORT_FIELDS])


def _jsonl_lines(events: Iterable[AuditEvent]) -> Iterator[str]:
    for event in events:
        yield json.dumps(_row(event), sort_keys=True, default=str) + "\n"


EXPORT_FORMATS = {
    "csv": ("text/csv; charset=utf-8", _csv_lines),
    "jsonl": ("application/x-ndjson", _jsonl_lines),
}


def audit_export_response(events: Iterable[AuditEvent], fmt: str) -> StreamingHttpResponse:
    """Stream `events` as a download, so a large log never sits in memory."""
    content_type, lines = EXPORT_FORMATS[fmt]
    response = StreamingHttpResponse(lines(events), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="audit-events.{fmt}"'
    return response
