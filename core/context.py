"""What the current request is, for code far from the request: the audit log, the logs."""

from __future__ import annotations

from contextvars import ContextVar

# The client IP of the current request, set by core.middleware.RequestContextMiddleware.
current_ip: ContextVar[str | None] = ContextVar("current_ip", default=None)
# The authenticated user's id: set by the middleware (sessions) and by the API's
# authentication classes (accounts.authentication), read by core.logging.UserIdFilter.
current_user_id: ContextVar[int | None] = ContextVar("current_user_id", default=None)
