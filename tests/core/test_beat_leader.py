"""The beat leader lock (core.beat_leader), in process: a beat waits as standby while
another holds the lock, and leads once it is let go. Two real beat processes, one killed,
are in tests/integration/test_beat_leader.py."""

from __future__ import annotations

import logging
import threading
import time
from types import SimpleNamespace

import pytest

from core import beat_leader


def _service() -> SimpleNamespace:
    """What beat_init sends: the beat service, whose scheduler reloads on takeover."""
    return SimpleNamespace(scheduler=SimpleNamespace(_initial_read=False))


def _wait_for(predicate, what: str) -> None:
    deadline = time.monotonic() + 30
    while not predicate():
        assert time.monotonic() < deadline, what
        time.sleep(0.02)


@pytest.fixture
def fast(settings, tmp_path):
    settings.BEAT_LEADER_RETRY_SECONDS = 0.05
    settings.BEAT_LEADER_LOCK_FILE = str(tmp_path / "beat.lock")
    yield
    beat_leader.beat_release()


@pytest.mark.django_db(transaction=True)
def test_a_beat_waits_as_standby_until_the_leader_lets_go(fast, caplog):
    caplog.set_level(logging.INFO, logger="core.beat_leader")
    leader = beat_leader._lock()
    assert leader.try_acquire()
    service = _service()
    standby = threading.Thread(target=beat_leader.beat_lead, args=(service,), daemon=True)
    standby.start()
    _wait_for(lambda: "this one is standby" in caplog.text, "the second beat never said so")
    assert standby.is_alive()  # still waiting: it schedules nothing
    assert "this beat leads" not in caplog.text

    leader.reset()  # the leader is gone (its connection or file closed)
    standby.join(timeout=30)
    assert not standby.is_alive()
    assert "this beat leads" in caplog.text
    assert service.scheduler._initial_read is True  # reads what the last leader ran


def test_the_lock_can_be_turned_off(settings):
    settings.BEAT_LEADER_LOCK = False
    beat_leader.beat_lead(_service())  # returns at once, holding nothing
    assert beat_leader._held == {}
