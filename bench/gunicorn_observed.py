"""config/gunicorn.py unchanged, plus hooks that note when each worker is ready and exits.

For `make bench-soak` (bench/soak.py): gunicorn's own log has one-second timestamps, too
coarse to tell whether two workers were down at the same moment. Each line appended to
BENCH_WORKER_EVENTS is `<unix time> ready|exit <pid>`.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from config import gunicorn as production
from config.gunicorn import *  # noqa: F403


def _note(kind: str, pid: int) -> None:
    if path := os.environ.get("BENCH_WORKER_EVENTS"):
        with open(path, "a") as out:
            out.write(f"{time.time():.4f} {kind} {pid}\n")


def post_worker_init(worker):
    """The application is loaded: from now on this worker serves."""
    _note("ready", worker.pid)


def worker_exit(server, worker):
    _note("exit", worker.pid)
    production.worker_exit(server, worker)
