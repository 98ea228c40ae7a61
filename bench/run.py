"""`make bench`: seed published articles, serve with gunicorn, load with wrk, print figures.

Scenarios run with the response cache off, then on, served as production serves them:
gunicorn with config/gunicorn.py (bench/serving.py; 2 workers unless WEB_CONCURRENCY).
The floor is a bare Django JSON view mounted under the delivery prefix, so it passes
through exactly the middleware an anonymous delivery request does; ratios are requests/s
against it.
Requests/s come from ROUNDS runs of CONNECTIONS connections, each right after a run of
the floor: the machine's speed drifts between minutes, so each ratio is the median of a
scenario's runs over the median of the floor runs beside them. Then one connection
measures latency. With one connection no request queues behind another, so
that latency is the server's time plus a loopback round trip: the figures the targets
name (search p95, list p99) are read from it.
The list and the detail also run as a client that takes gzip (`Accept-Encoding: gzip`),
and the table gives each response's size on the wire.
The same number of entries of an `event` type defined as data (bench/seed_events.py) is
served at delivery/entries/event/: its list, a venue filter and a date-range filter run
beside the article list, cache off and on. EVENTS=0 leaves them out.
Set SCALE for more articles, DURATION for longer runs, DATABASE_URL for PostgreSQL.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.seed import seed  # noqa: E402
from bench.seed_events import seed_events  # noqa: E402
from bench.serving import serve_folio  # noqa: E402
from content.delivery.query import encode_cursor  # noqa: E402
from content.models.snapshots import DeliverySnapshot  # noqa: E402

SCALE = int(os.environ.get("SCALE", "10000"))
DURATION = int(os.environ.get("DURATION", "8"))
CONNECTIONS = int(os.environ.get("CONNECTIONS", "8"))
ROUNDS = int(os.environ.get("ROUNDS", "3"))
FLOOR = "/api/v1/delivery/bench-floor/"
PORT = int(os.environ.get("BENCH_PORT", "8123"))
BASE = f"http://127.0.0.1:{PORT}"
API = "/api/v1/delivery/articles/"
EVENTS_API = "/api/v1/delivery/entries/event/"
EVENTS = os.environ.get("EVENTS", "1") != "0"
EVENT_SCENARIOS = {
    "events list limit=20": f"{EVENTS_API}?limit=20",
    "events venue filter": f"{EVENTS_API}?venue=Hall+C&limit=20",
    "events date range": (
        f"{EVENTS_API}?starts_at__gte=2027-06-01&starts_at__lt=2027-07-01&limit=20"
    ),
}
GZIP = {"Accept-Encoding": "gzip"}


def scenarios() -> dict[str, tuple[str, dict[str, str]]]:
    """Name → (path, request headers)."""
    deep = min(9000, SCALE - 20)
    row = (
        DeliverySnapshot.objects.filter(kind="article", locale=settings.CONTENT_DEFAULT_LOCALE)
        .order_by("-published_at", "-id")
        .values("published_at", "id")[deep - 1]
    )
    cursor = encode_cursor(row["published_at"].isoformat(), row["id"], "-published_at")
    slug = (
        DeliverySnapshot.objects.filter(kind="article")
        .order_by("id")
        .values_list("slug", flat=True)[SCALE // 2]
    )
    return {
        "floor (bare Django JSON)": (FLOOR, {}),
        "list limit=20": (f"{API}?limit=20", {}),
        "list limit=20, gzip": (f"{API}?limit=20", GZIP),
        "list limit=100, gzip": (f"{API}?limit=100", GZIP),
        f"deep page, offset {deep}": (f"{API}?limit=20&page={deep // 20 + 1}", {}),
        f"deep page, cursor at {deep}": (f"{API}?limit=20&cursor={cursor}", {}),
        "detail by slug": (f"{API}{slug}/", {}),
        "detail by slug, gzip": (f"{API}{slug}/", GZIP),
        "search": (f"{API}?search=garden+travel&limit=20", {}),
        **({name: (path, {}) for name, path in EVENT_SCENARIOS.items()} if EVENTS else {}),
    }


def queries_per_request(path: str, cached: bool, headers: dict[str, str]) -> int:
    settings.DELIVERY_CACHE_ENABLED = cached
    cache.clear()
    client = Client(headers=headers)
    client.get(path)
    with CaptureQueriesContext(connection) as ctx:
        status = client.get(path).status_code
    assert status == 200, (path, status)
    return len(ctx.captured_queries)


def serve(cache_on: bool) -> subprocess.Popen:
    """Production's gunicorn configuration (bench/serving.py), the cache on or off."""
    return serve_folio(PORT, DELIVERY_CACHE_ENABLED="1" if cache_on else "0")


def _get(path: str, headers: dict[str, str]) -> bytes:
    request = urllib.request.Request(BASE + path, headers=headers)  # noqa: S310 - loopback
    return urllib.request.urlopen(request, timeout=5).read()  # noqa: S310 - loopback


def _wrk(
    path: str,
    threads: int,
    connections: int,
    seconds: int,
    headers: dict[str, str] | None = None,
    *,
    base: str = BASE,
    timeout: int | None = None,
) -> dict[str, float]:
    script = str(ROOT / "bench" / "latency.lua")
    sent = [arg for name, value in (headers or {}).items() for arg in ("-H", f"{name}: {value}")]
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "-s", script, *sent]
    if timeout:  # wrk gives up on a request after 2 s by default, and does not count it
        command.append(f"--timeout={timeout}s")
    out = subprocess.run(
        [*command, base + path],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    latency = re.search(r"LATENCY_US (\d+) (\d+) (\d+)", out).groups()
    p50, p95, p99 = (int(v) / 1000 for v in latency)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": p50,
        "p95": p95,
        "p99": p99,
        "errors": int(errors.group(1)) if errors else 0,
        "socket_errors": sum(int(n) for n in socket.groups()) if socket else 0,
    }


def load(path: str, headers: dict[str, str]) -> dict[str, float]:
    for _ in range(20):  # warm up (and fill the cache when it is on)
        body = _get(path, headers)
    seconds = max(2, DURATION // 2)
    runs, floors = [], []
    for _ in range(ROUNDS):
        if path != FLOOR:
            floors.append(_wrk(FLOOR, 2, CONNECTIONS, seconds)["rps"])
        runs.append(_wrk(path, 2, CONNECTIONS, seconds, headers))
    single = _wrk(path, 1, 1, DURATION, headers)
    rps = statistics.median(r["rps"] for r in runs)
    return {
        "rps": rps,
        "floor": statistics.median(floors) if floors else rps,
        "p50": statistics.median(r["p50"] for r in runs),
        "p99": statistics.median(r["p99"] for r in runs),
        "one_p50": single["p50"],
        "one_p95": single["p95"],
        "one_p99": single["p99"],
        "errors": sum(r["errors"] for r in runs) + single["errors"],
        "bytes": len(body),  # as sent: compressed when the client took gzip
    }


def _plain_size(path: str) -> int:
    """The uncompressed body's size, read in-process (the servers are stopped by then)."""
    return len(Client().get(path).content)


def _events_summary(found) -> str:
    """The runtime type's figures beside the article list's: one-connection p99 in ms."""
    out = ["\n| one connection, p99 ms | cache off | cache on |", "|---|---|---|"]
    for name in ("list limit=20", *EVENT_SCENARIOS):
        off, on = found[(name, "off")]["one_p99"], found[(name, "on")]["one_p99"]
        label = f"articles {name}" if name == "list limit=20" else name
        out.append(f"| {label} | {off:.2f} | {on:.2f} |")
    return "\n".join(out)


def main() -> int:
    if not shutil.which("wrk"):
        print("wrk is needed: apt-get install wrk", file=sys.stderr)
        return 1
    call_command("migrate", verbosity=0)
    have = DeliverySnapshot.objects.filter(kind="article").count()
    print(f"Database: {connection.vendor}; {have} published articles.")
    if have < SCALE:
        print(f"Seeding {SCALE} articles…")
        seed(SCALE)
    if EVENTS:
        print(f"Events: {seed_events(SCALE)} published entries of a type defined as data.")
    paths = scenarios()
    rows = []
    for cache_on in (False, True):
        proc = serve(cache_on)
        try:
            for name, (path, headers) in paths.items():
                result = load(path, headers)
                result["queries"] = queries_per_request(path, cache_on, headers)
                rows.append((name, "on" if cache_on else "off", result))
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)
    header = (
        "| Scenario | Cache | Requests/s | p50 ms | p99 ms | 1-conn p50 | 1-conn p95 "
        "| 1-conn p99 | SQL queries | floor beside | vs floor | non-2xx | bytes |"
    )
    lines = [header, "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for name, cache_state, r in rows:
        ratio = r["rps"] / r["floor"] * 100
        lines.append(
            f"| {name} | {cache_state} | {r['rps']:.0f} | {r['p50']:.2f} | {r['p99']:.2f} "
            f"| {r['one_p50']:.2f} | {r['one_p95']:.2f} | {r['one_p99']:.2f} "
            f"| {r['queries']} | {r['floor']:.0f} | {ratio:.0f}% | {r['errors']} | {r['bytes']} |"
        )
    found = {(n, c): r for n, c, r in rows}
    for name in ("list limit=20", "list limit=100", "detail by slug"):
        plain = _plain_size(paths[f"{name}, gzip"][0])
        zipped = found[(f"{name}, gzip", "on")]["bytes"]
        lines.append(
            f"\ngzip, {name}: {plain} bytes → {zipped} ({plain / zipped:.1f} times smaller)."
        )
    for state in ("off", "on"):
        lines.append(
            f"\nCache {state}, one connection (server time + loopback): search p95 "
            f"{found[('search', state)]['one_p95']:.1f} ms, list p99 "
            f"{found[('list limit=20', state)]['one_p99']:.1f} ms (target: both under 100 ms)."
        )
    if EVENTS:
        lines.append(_events_summary(found))
    table = "\n".join(lines)
    print(
        f"\n{SCALE} articles on {connection.vendor}, cache {settings.CACHES['default']['BACKEND']}"
        f", gunicorn (config/gunicorn.py, {os.environ.get('WEB_CONCURRENCY', '2')} sync workers);"
        f" wrk -t2 -c{CONNECTIONS} -d{max(2, DURATION // 2)}s {ROUNDS}"
        f" times, each after a floor run (requests/s, p50, p99 and ratio are medians), then"
        f" -t1 -c1 -d{DURATION}s\n"
    )
    print(table)
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / f"{connection.vendor}-{SCALE}.md").write_text(table + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
