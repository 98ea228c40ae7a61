"""A rehearsal: real writes in a transaction that is always rolled back (a release preview).

A release preview runs the release's publish, with the very code that publishes it, then
answers a delivery request from what that left in the database, and rolls everything back.
Some of what a publish does only matters once it commits, yet holds a lock every other
writer waits on until the transaction ends: the audit chain's, and the content version's
row. Inside a rehearsal those are skipped (`rehearsing()`), which changes nothing anyone
could see, since nothing of a rehearsal is ever kept; the flag is set only together with the
transaction that is rolled back, so it cannot outlive one.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction

_rehearsing: ContextVar[bool] = ContextVar("rehearsing", default=False)


@contextmanager
def rehearsal() -> Iterator[None]:
    """Run the block in a transaction (a savepoint inside one) that is rolled back, whatever
    happens in it; on_commit callbacks registered inside are dropped with it."""
    token = _rehearsing.set(True)
    try:
        with transaction.atomic():
            try:
                yield
            finally:
                transaction.set_rollback(True)
    finally:
        _rehearsing.reset(token)


def rehearsing() -> bool:
    """Inside a rehearsal: what only matters once committed may be skipped."""
    return _rehearsing.get()
