"""Logging filters: every record carries the authenticated user's id when there is one, and
the trace and span ids while a span is active (tracing on: core.tracing)."""

from __future__ import annotations

import logging

from core.context import current_user_id
from core.tracing import current_ids


class UserIdFilter(logging.Filter):
    """Attach `user_id` from the request context (set by the API's authentication)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.user_id = current_user_id.get()
        return True


class TraceIdFilter(logging.Filter):
    """Attach `trace_id` and `span_id` of the active span (None when tracing is off), so a
    log line leads to its trace."""

    def filter(self, record: logging.LogRecord) -> bool:
        ids = current_ids()
        record.trace_id, record.span_id = ids if ids is not None else (None, None)
        return True
