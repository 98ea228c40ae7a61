"""Serve Folio for a benchmark the way production does: `gunicorn -c config/gunicorn.py`.

Production's settings (worker class, threads, timeouts, keep-alive, recycling, the JSON
access log) come from config/gunicorn.py; the bench sets only what is its own through the
same environment variables an operator would: the address, the number of workers (2, as
the published figures use; WEB_CONCURRENCY overrides), the Django settings and the log.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_CONFIG = ROOT / "config" / "gunicorn.py"


def gunicorn_env(port: int, **extra: str) -> dict[str, str]:
    env = {**os.environ, **extra}
    env["GUNICORN_BIND"] = f"127.0.0.1:{port}"
    env.setdefault("WEB_CONCURRENCY", "2")
    env.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    # gunicorn's own lines (boots, restarts) stay; the access log is production's JSON,
    # written to stdout, which the bench discards.
    env.setdefault("GUNICORN_LOG_LEVEL", "info")
    return env


def serve_folio(
    port: int,
    *,
    config: Path = PRODUCTION_CONFIG,
    log: Path | None = None,
    **extra: str,
) -> subprocess.Popen:
    """Start gunicorn with `config` and wait until /health/live/ answers."""
    errors = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 - the child keeps it
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "-c", str(config)],
        cwd=ROOT,
        env=gunicorn_env(port, **extra),
        stdout=subprocess.DEVNULL,
        stderr=errors,
        start_new_session=True,
    )
    wait_until_up(f"http://127.0.0.1:{port}/health/live/", proc)
    return proc


def wait_until_up(url: str, proc: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited ({proc.returncode}) before answering {url}")
        try:
            urllib.request.urlopen(url, timeout=1)  # noqa: S310 - loopback
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing answered {url} within {seconds:.0f} s")
