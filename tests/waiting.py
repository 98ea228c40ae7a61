"""Waiting on state, never on time: poll until something holds, with a deadline that only
a broken run reaches (a busy machine is slow, not wrong)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_for(
    predicate: Callable[[], T], what: str = "the state", timeout: float = 120, interval=0.1
) -> T:
    """`predicate()`'s first truthy result; fails the test with `what` at the deadline."""
    deadline = time.monotonic() + timeout
    while not (result := predicate()):
        assert time.monotonic() < deadline, f"never happened: {what}"
        time.sleep(interval)
    return result
