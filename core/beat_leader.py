"""One beat at a time: a leader lock taken before beat schedules anything.

Run two `celery -A config beat` processes (two machines, a rolling deploy, a pod that is
not quite dead) and every periodic task would run twice. So each beat takes a lock when it
starts (Celery's `beat_init` signal, so the ordinary command and any scheduler work): the
first gets it and schedules; any other logs that it is standby and waits, trying again
every BEAT_LEADER_RETRY_SECONDS, and takes over once the leader is gone.

On PostgreSQL the lock is a session advisory lock on a connection of its own: the server
drops it the moment the leader's connection closes, whether the leader exited, crashed or
was killed. A leader that loses that connection (the database restarted) can no longer
know it leads, so it stops (SIGTERM, a clean beat shutdown) and its supervisor restarts it
as a standby. With SQLite (the embedded default, one machine) it is a file lock.
"""

from __future__ import annotations

import fcntl
import logging
import os
import signal
import threading
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections

logger = logging.getLogger(__name__)

# pg_try_advisory_lock's key: "folio-beat" as an integer, constant across releases.
ADVISORY_KEY = int.from_bytes(b"folio-bt", "big") & 0x7FFF_FFFF_FFFF_FFFF


class _PostgresLock:
    """A session advisory lock on a dedicated connection (not Django's pooled one)."""

    def __init__(self) -> None:
        self.conn: Any = None

    def try_acquire(self) -> bool:
        import psycopg

        if self.conn is None:
            params = connections["default"].get_connection_params()
            params.pop("cursor_factory", None)
            params.pop("context", None)
            params.pop("prepare_threshold", None)
            params.pop("server_side_binding", None)
            # TCP keepalives: a leader's host that vanishes lets the lock go within a minute.
            params.update(autocommit=True, keepalives=1, keepalives_idle=10, keepalives_count=3)
            self.conn = psycopg.connect(**params)
        row = self.conn.execute("SELECT pg_try_advisory_lock(%s)", (ADVISORY_KEY,)).fetchone()
        return bool(row and row[0])

    def still_held(self) -> bool:
        try:
            self.conn.execute("SELECT 1")
        except Exception:
            return False
        return True

    def reset(self) -> None:
        if self.conn is not None:
            try:
                self.conn.close()
            finally:
                self.conn = None


class _FileLock:
    """An exclusive lock on a file next to the SQLite database: one machine, one beat (per
    database: beats of two checkouts, or of a test and `make run`, never wait on each other)."""

    def __init__(self) -> None:
        database = connections["default"].settings_dict["NAME"]
        self.path = Path(settings.BEAT_LEADER_LOCK_FILE or f"{database}.beat-lock")
        self.handle: Any = None

    def try_acquire(self) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.handle = self.handle or self.path.open("a")
        try:
            fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def still_held(self) -> bool:
        return True  # held until the process ends

    def reset(self) -> None:
        if self.handle is not None:
            try:
                self.handle.close()  # releases the lock
            finally:
                self.handle = None


def _lock() -> _PostgresLock | _FileLock:
    vendor = connections["default"].vendor
    return _PostgresLock() if vendor == "postgresql" else _FileLock()


# What this process holds, so that it can let go (tests; a beat embedded in a worker).
_held: dict[str, Any] = {}


def _watch(lock: _PostgresLock | _FileLock, stop: threading.Event) -> None:
    """Stop this beat if it can no longer know it holds the lock."""
    while not stop.wait(settings.BEAT_LEADER_RETRY_SECONDS):
        if not lock.still_held():
            logger.critical("beat leader: lost the leader lock's connection; stopping")
            os.kill(os.getpid(), signal.SIGTERM)
            return


def beat_lead(sender, **kwargs) -> None:
    """Wait until this beat holds the leader lock (the `beat_init` receiver)."""
    if not settings.BEAT_LEADER_LOCK:
        return
    lock = _lock()
    standby_logged = False
    while True:
        try:
            if lock.try_acquire():
                break
        except Exception as exc:  # the database is down: stay standby, try again
            logger.warning("beat leader: cannot reach the lock (%s); retrying", exc)
            lock.reset()
        if not standby_logged:
            logger.info("beat leader: another beat leads; this one is standby")
            standby_logged = True
        time.sleep(settings.BEAT_LEADER_RETRY_SECONDS)
    logger.info("beat leader: this beat leads (pid %s)", os.getpid())
    # A standby's schedule was read when it started: read what the last leader ran.
    scheduler = getattr(sender, "scheduler", None)
    if hasattr(scheduler, "_initial_read"):
        scheduler._initial_read = True
    stop = threading.Event()
    _held.update(lock=lock, stop=stop)
    threading.Thread(
        target=_watch, args=(lock, stop), name="beat-leader-watch", daemon=True
    ).start()


def beat_release() -> None:
    """Let go of the leader lock, if this process holds it: another beat takes over."""
    if "lock" in _held:
        _held.pop("stop").set()
        _held.pop("lock").reset()
