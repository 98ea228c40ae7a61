"""Circuit breakers (pybreaker) around Folio's dependencies: the database, the Redis cache,
the Celery broker, each webhook host, each host the external link checker fetches and each
front cache Folio purges.

A breaker counts consecutive failures of calls to its dependency. After
CIRCUIT_BREAKER_FAIL_MAX of them it opens: calls fail at once (pybreaker's
CircuitBreakerError) instead of each waiting for a timeout, so a dead dependency cannot tie
up every worker. After CIRCUIT_BREAKER_RESET_SECONDS the next call is let through as a
probe (half-open): success closes the breaker, failure opens it for another cool-down.

State is per process (each gunicorn worker learns on its own, within fail_max calls): a
shared store would be one more dependency to lose. Each change is logged and exported as
`folio_circuit_breaker_state{breaker=...}` (0 closed, 1 half-open, 2 open), which
/health/ready/ and the admin dashboard read too (`snapshot`).
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar
from urllib.parse import urlsplit

import pybreaker
from django.conf import settings
from prometheus_client import Gauge

logger = logging.getLogger("folio.dependencies")

CircuitBreakerError = pybreaker.CircuitBreakerError
STATE_VALUES = {pybreaker.STATE_CLOSED: 0, pybreaker.STATE_HALF_OPEN: 1, pybreaker.STATE_OPEN: 2}
# "liveall": with PROMETHEUS_MULTIPROC_DIR each live worker reports its own breaker (they
# learn apart), and a dead worker's last state does not linger.
BREAKER_STATE = Gauge(
    "folio_circuit_breaker_state",
    "Circuit breaker state per dependency: 0 closed, 1 half-open (probing), 2 open.",
    ["breaker"],
    multiprocess_mode="liveall",
)
# Dependencies Folio can serve without: open means degraded, not down (core.health).
CORE = ("database", "cache", "broker")
OPTIONAL = ("cache", "broker", "webhook:", "link-check:", "front-cache:")

T = TypeVar("T")
_breakers: dict[str, pybreaker.CircuitBreaker] = {}
_lock = threading.Lock()


class _Reporter(pybreaker.CircuitBreakerListener):
    """Logs each state change once and keeps the gauge current."""

    def state_change(self, cb, old_state, new_state) -> None:
        BREAKER_STATE.labels(cb.name).set(STATE_VALUES[new_state.name])
        log = logger.warning if new_state.name == pybreaker.STATE_OPEN else logger.info
        log(
            "circuit breaker %s: %s -> %s",
            cb.name,
            old_state.name if old_state else "-",
            new_state.name,
            extra={"breaker": cb.name, "state": new_state.name},
        )


_REPORTER = _Reporter()


def breaker(
    name: str, *, excluded: tuple[type[BaseException], ...] = ()
) -> pybreaker.CircuitBreaker:
    """The process's breaker for `name`, made on first use with the settings' thresholds.
    `excluded` exceptions are answers, not failures (they count as successes)."""
    found = _breakers.get(name)
    if found is not None:
        return found
    with _lock:
        if name not in _breakers:
            made = pybreaker.CircuitBreaker(
                fail_max=settings.CIRCUIT_BREAKER_FAIL_MAX,
                reset_timeout=settings.CIRCUIT_BREAKER_RESET_SECONDS,
                exclude=list(excluded),
                listeners=[_REPORTER],
                name=name,
            )
            BREAKER_STATE.labels(name).set(0)
            _breakers[name] = made
        return _breakers[name]


def for_host(kind: str, url: str) -> pybreaker.CircuitBreaker:
    """One breaker per remote host: one endpoint down never stops deliveries to another."""
    host = (urlsplit(url).hostname or "").lower()
    return breaker(f"{kind}:{host}")


def is_open(name: str | None) -> bool:
    """Whether calls to `name` would fail fast now (open, cool-down not over)."""
    found = _breakers.get(name or "")
    if found is None or found.current_state != pybreaker.STATE_OPEN:
        return False
    opened_at = found._state_storage.opened_at  # pybreaker keeps no public accessor
    if opened_at is None:
        return True
    return datetime.now(UTC) < opened_at + timedelta(seconds=found.reset_timeout)


def guarded(
    guard: pybreaker.CircuitBreaker,
    func: Callable[..., T],
    *args: Any,
    counts: tuple[type[BaseException], ...] = (Exception,),
    **kwargs: Any,
) -> T:
    """`func(*args, **kwargs)` behind `guard`; only `counts` exceptions are failures.

    pybreaker's own `call` holds the breaker's lock for the whole call, which would queue
    every thread's cache or database call behind one another. Here a closed breaker with
    no failures costs two attribute reads; pybreaker's state machine (and its lock) is
    used only to count a failure, to reset a count, and for the open/half-open states.
    """
    if guard.current_state != pybreaker.STATE_CLOSED:
        return guard.call(func, *args, **kwargs)  # fail fast, or the one probe
    try:
        result = func(*args, **kwargs)
    except counts as exc:
        _count(guard, exc)
        raise
    if guard.fail_counter:
        guard.call(_nothing)  # a success resets the count of consecutive failures
    return result


def _nothing() -> None:
    return None


def _count(guard: pybreaker.CircuitBreaker, error: BaseException) -> None:
    def fail():
        raise error

    # Counted, and perhaps the breaker opened (CircuitBreakerError): the caller re-raises
    # its own error either way.
    with contextlib.suppress(BaseException):
        guard.call(fail)


def record_failure(name: str, error: BaseException) -> None:
    """Count a failure observed outside a guarded call (a background reconnect)."""
    _count(breaker(name), error)


def snapshot() -> list[dict]:
    """Every breaker this process has, for /health/ready/ and the admin dashboard (the
    three core ones always, as closed until first used)."""
    for name in CORE:
        breaker(name)
    return [
        {
            "name": name,
            "state": found.current_state,
            "failures": found.fail_counter,
            "optional": name.startswith(OPTIONAL),
        }
        for name, found in sorted(_breakers.items())
    ]


def reset_all() -> None:
    """Forget every breaker: the next call makes a closed one with the current settings
    (tests; an operator's shell after fixing a dependency)."""
    with _lock:
        for name in _breakers:
            BREAKER_STATE.labels(name).set(0)
        _breakers.clear()
