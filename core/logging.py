"""Logging filters: every record carries the authenticated user's id when there is one."""

from __future__ import annotations

import logging

from core.context import current_user_id


class UserIdFilter(logging.Filter):
    """Attach `user_id` from the request context (set by the API's authentication)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.user_id = current_user_id.get()
        return True
