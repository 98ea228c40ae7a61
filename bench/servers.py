"""`make bench-servers`: the WSGI servers Folio could ship, on the same runs (issue 19 §4).

Each server runs Folio with 2 worker processes and no access log, its response cache on
(the floor and the cached list) and off (the uncached list and the detail):

- gunicorn, sync workers: production's config/gunicorn.py as it ships;
- gunicorn, gthread workers: the same config with GUNICORN_THREADS (4) threads a worker;
- granian (WSGI interface, Rust HTTP), one blocking thread a worker.

Every scenario runs `wrk -t1 -c16` for DURATION (5) seconds with keep-alive and again with
`Connection: close` (a new connection a request, as behind a proxy that does not keep
connections to its upstream); the servers are interleaved over ROUNDS (3) rounds and the
medians printed. DATABASE_URL and CACHE_URL as for `make bench`; SCALE (10,000) articles.
"""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from bench.run import _wrk, scenarios  # noqa: E402
from bench.seed import seed  # noqa: E402
from bench.serving import gunicorn_env, serve_folio, wait_until_up  # noqa: E402
from content.models.snapshots import DeliverySnapshot  # noqa: E402

SCALE = int(os.environ.get("SCALE", "10000"))
DURATION = int(os.environ.get("DURATION", "5"))
ROUNDS = int(os.environ.get("ROUNDS", "3"))
CONNECTIONS = int(os.environ.get("CONNECTIONS", "16"))
THREADS = os.environ.get("GUNICORN_THREADS", "4")
PORT = int(os.environ.get("BENCH_PORT", "8124"))
QUIET = {"GUNICORN_ACCESS_LOG": ""}
CLOSE = {"Connection": "close"}


def serve_granian(port: int, **extra: str) -> subprocess.Popen:
    command = [
        *(sys.executable, "-m", "granian", "--interface", "wsgi", "--no-ws"),
        *("--workers", "2", "--blocking-threads", "1"),
        *("--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"),
        "config.wsgi:application",
    ]
    proc = subprocess.Popen(
        command,
        cwd=ROOT,
        env=gunicorn_env(port, **extra),
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    wait_until_up(f"http://127.0.0.1:{port}/health/live/", proc)
    return proc


SERVERS = {
    "gunicorn sync": lambda port, **env: serve_folio(port, **QUIET, **env),
    f"gunicorn gthread ({THREADS} threads)": lambda port, **env: serve_folio(
        port, GUNICORN_THREADS=THREADS, **QUIET, **env
    ),
    "granian (WSGI)": serve_granian,
}


def measure(start, cache: str, paths: dict[str, str]) -> dict[str, dict[str, float]]:
    proc = start(PORT, DELIVERY_CACHE_ENABLED=cache)
    base = f"http://127.0.0.1:{PORT}"
    found = {}
    try:
        for name, path in paths.items():
            _wrk(path, 1, CONNECTIONS, 1, base=base)  # warm up (and fill the cache)
            for connection, headers in (("keep-alive", None), ("close", CLOSE)):
                found[name, connection] = _wrk(
                    path, 1, CONNECTIONS, DURATION, headers, base=base, timeout=30
                )
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)
    return found


def main() -> int:
    call_command("migrate", verbosity=0)
    have = DeliverySnapshot.objects.filter(kind="article").count()
    if have < SCALE:
        seed(SCALE - have)
    paths = {name: path for name, (path, _headers) in scenarios().items()}
    cached = {
        "floor": paths["floor (bare Django JSON)"],
        "list, cached": paths["list limit=20"],
    }
    uncached = {
        "list, uncached": paths["list limit=20"],
        "detail, uncached": paths["detail by slug"],
    }
    runs: dict[tuple[str, str, str], list[dict[str, float]]] = {}
    for number in range(1, ROUNDS + 1):
        print(f"round {number}/{ROUNDS}…", flush=True)
        for server, start in SERVERS.items():
            for cache, chosen in (("1", cached), ("0", uncached)):
                for (name, connection), result in measure(start, cache, chosen).items():
                    runs.setdefault((server, name, connection), []).append(result)
    scenario_names = [*cached, *uncached]
    print(
        f"\n{SCALE} articles; 2 workers each, no access log; wrk -t1 -c{CONNECTIONS} "
        f"-d{DURATION}s, medians of {ROUNDS} interleaved rounds; requests/s (p99 ms). "
        f"Load average at the end: {os.getloadavg()[0]:.1f}.\n"
    )
    print("| server | connection | " + " | ".join(scenario_names) + " | errors |")
    print("|---|---|" + "---:|" * (len(scenario_names) + 1))
    for server in SERVERS:
        for connection in ("keep-alive", "close"):
            cells, errors = [], 0
            for name in scenario_names:
                results = runs[server, name, connection]
                rps = statistics.median(r["rps"] for r in results)
                p99 = statistics.median(r["p99"] for r in results)
                errors += sum(r["errors"] + r["socket_errors"] for r in results)
                cells.append(f"{rps:,.0f} ({p99:.1f})")
            print(f"| {server} | {connection} | " + " | ".join(cells) + f" | {errors} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
