"""`make bench-soak`: production's gunicorn under steady load, counting worker restarts.

Serves Folio with config/gunicorn.py (through bench/gunicorn_observed.py, which only adds
hooks noting when each worker is ready and exits), drives SOAK_SECONDS (300) of load at
CONNECTIONS (50) connections on the cached article list, then prints requests/s, p50/p99,
errors, and from the workers' events: how many restarts there were, how often every worker
was down at once (a restart storm: requests queue in the listen backlog until one is back)
and for how long. Any GUNICORN_* variable set in the environment applies, so the fault
that prompted this can be replayed: GUNICORN_MAX_REQUESTS=1000
GUNICORN_MAX_REQUESTS_JITTER=100 make bench-soak.
"""

from __future__ import annotations

import os
import signal
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from bench.run import _wrk  # noqa: E402
from bench.seed import seed  # noqa: E402
from bench.serving import serve_folio  # noqa: E402
from content.models.snapshots import DeliverySnapshot  # noqa: E402

SECONDS = int(os.environ.get("SOAK_SECONDS", "300"))
CONNECTIONS = int(os.environ.get("CONNECTIONS", "50"))
SCALE = int(os.environ.get("SCALE", "1000"))
PORT = int(os.environ.get("BENCH_PORT", "8124"))
TARGET = os.environ.get("SOAK_PATH", "/api/v1/delivery/articles/?limit=20")


def outages(events: list[tuple[float, str, int]], workers: int, until: float) -> dict[str, float]:
    """Restarts, and the stretches when no worker was ready, from (time, kind, pid) events.

    Counting starts once the first `workers` workers are up (the start-up is not a storm)
    and ends with the load, at `until` (the shutdown after it is not a restart either)."""
    ready: set[int] = set()
    started = False
    restarts = 0
    down_since: float | None = None
    spans: list[float] = []
    for at, kind, pid in sorted(events):
        if at > until:
            break
        if kind == "ready":
            ready.add(pid)
            if not started and len(ready) >= workers:
                started = True
            if down_since is not None and started:
                spans.append(at - down_since)
                down_since = None
        elif kind == "exit":
            ready.discard(pid)
            if started:
                restarts += 1
                if not ready and down_since is None:
                    down_since = at
    return {
        "restarts": restarts,
        "all_down": len(spans),
        "down_seconds": sum(spans),
        "longest_down": max(spans, default=0.0),
    }


def main() -> int:
    call_command("migrate", verbosity=0)
    if DeliverySnapshot.objects.filter(kind="article").count() < SCALE:
        seed(SCALE)
    workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
    with tempfile.TemporaryDirectory() as folder:
        events_path = Path(folder) / "events"
        log = ROOT / "var" / "soak-gunicorn.log"
        log.parent.mkdir(exist_ok=True)
        log.write_text("")
        proc = serve_folio(
            PORT,
            config=ROOT / "bench" / "gunicorn_observed.py",
            log=log,
            BENCH_WORKER_EVENTS=str(events_path),
            DELIVERY_CACHE_ENABLED=os.environ.get("DELIVERY_CACHE_ENABLED", "1"),
        )
        try:
            result = _wrk(TARGET, 1, CONNECTIONS, SECONDS, base=f"http://127.0.0.1:{PORT}")
            ended = time.time()
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=60)
        events = [
            (float(at), kind, int(pid))
            for at, kind, pid in (line.split() for line in events_path.read_text().splitlines())
        ]
    found = outages(events, workers, ended)
    settings_line = ", ".join(
        f"{name}={os.environ[name]}"
        for name in sorted(os.environ)
        if name.startswith("GUNICORN_") or name == "WEB_CONCURRENCY"
    )
    print(
        f"\nSoak: {SECONDS} s, wrk -t1 -c{CONNECTIONS} on {TARGET}, {workers} workers, "
        f"config/gunicorn.py ({settings_line or 'its defaults'})\n"
        f"requests/s {result['rps']:.0f}; p50 {result['p50']:.2f} ms; p99 {result['p99']:.2f} ms;"
        f" non-2xx {result['errors']}; socket errors {result['socket_errors']}\n"
        f"worker restarts {found['restarts']}; every worker down at once {found['all_down']} "
        f"times, {found['down_seconds']:.2f} s in all, longest {found['longest_down']:.2f} s\n"
        f"(gunicorn's log: {log.relative_to(ROOT)})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
