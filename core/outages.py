"""A dependency's outage, as each process sees it: logged once when it starts and once when
it ends, with the failures counted in between (`folio_dependency_errors_total` in /metrics),
instead of one log record, with a traceback, per failed call.
"""

from __future__ import annotations

import logging
import threading
import time

from prometheus_client import Counter

logger = logging.getLogger("folio.dependencies")
DEPENDENCY_ERRORS = Counter(
    "folio_dependency_errors_total",
    "Calls to a dependency (the cache, the broker) that failed because it was down.",
    ["dependency"],
)


class Outage:
    """Whether a dependency is down in this process, since when, and how often it failed."""

    def __init__(self, name: str):
        self.name = name
        self.down_since: float | None = None
        self.failures = 0
        self._lock = threading.Lock()

    def failed(self, error: BaseException) -> None:
        DEPENDENCY_ERRORS.labels(self.name).inc()
        with self._lock:
            self.failures += 1
            if self.down_since is not None:
                return
            self.down_since = time.monotonic()
        logger.warning(
            "%s unreachable (%s: %s); carrying on without it, further failures are counted",
            self.name,
            type(error).__name__,
            error,
            extra={"dependency": self.name, "state": "down"},
        )

    def recovered(self) -> None:
        if self.down_since is None:  # the hot path: one attribute read
            return
        with self._lock:
            if self.down_since is None:
                return
            seconds, failures = time.monotonic() - self.down_since, self.failures
            self.down_since, self.failures = None, 0
        logger.warning(
            "%s reachable again after %.1f s; %d operation(s) failed meanwhile",
            self.name,
            seconds,
            failures,
            extra={"dependency": self.name, "state": "up", "failures": failures},
        )
