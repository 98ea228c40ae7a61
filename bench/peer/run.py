"""`make bench-peer`: Folio beside Wagtail 8 (API v2 and v3), same data, same load.

Wagtail is a benchmark dependency only: it is installed from PyPI into var/peer-venv (its
own virtualenv, made here if missing) and runs the small project in bench/peer (an
ArticlePage like Folio's article: intro, date, category, three tags, a StreamField body
of about 0.7 KB). Both projects get SCALE items on PostgreSQL, freshly analysed, and are
served by gunicorn with 2 sync workers: Folio through config/gunicorn.py (bench/serving.py),
twice (its response cache off, then on), Wagtail with the same timeouts and keep-alive,
neither writing an access log.
Each scenario runs `wrk -t1 -c16` for DURATION seconds against each project, interleaved
over ROUNDS rounds (requests/s is the median of the rounds). Stock Wagtail has no API
response cache: its uncached figures stand for both rows. Ratios are Folio over the
faster of Wagtail's v2 and v3.

DATABASE_URL (Folio) and PEER_DATABASE_URL (Wagtail) name PostgreSQL databases, created if
missing; PEER_PORT (18800) is the first of three ports used.
"""

from __future__ import annotations

import os
import shutil
import signal
import statistics
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
PEER = ROOT / "bench" / "peer"
VENV = ROOT / "var" / "peer-venv"
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/folio_bench_peer")
os.environ.setdefault("PEER_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/wagtail_bench_peer")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
# Folio's articles as long as Wagtail's (about 0.7 KB of body: one paragraph of 60-120
# words and an image block), not make bench's 1,500 words.
os.environ.setdefault("BENCH_PARAGRAPHS", "1")
sys.path.insert(0, str(ROOT))

SCALE = int(os.environ.get("SCALE", "10000"))
DURATION = int(os.environ.get("DURATION", "5"))
ROUNDS = int(os.environ.get("ROUNDS", "3"))
CONNECTIONS = int(os.environ.get("CONNECTIONS", "16"))
PORT = int(os.environ.get("PEER_PORT", "18800"))
WAGTAIL = "wagtail==8.*"


def _create_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def _peer_venv() -> Path:
    python = VENV / "bin" / "python"
    if not python.exists():
        print(f"Creating {VENV.relative_to(ROOT)} with {WAGTAIL} from PyPI…")
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run(
            [
                str(python),
                "-m",
                "pip",
                "install",
                "--quiet",
                WAGTAIL,
                "gunicorn",
                "psycopg[binary]",
            ],
            check=True,
        )
    return python


def _peer_manage(python: Path, *args: str) -> str:
    out = subprocess.run(
        [str(python), "manage.py", *args],
        cwd=PEER,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "peersite.settings"},
        capture_output=True,
        text=True,
    )
    if out.returncode:
        raise RuntimeError(f"manage.py {args[0]} failed:\n{out.stdout}\n{out.stderr}")
    return out.stdout


def _serve_wagtail(python: Path, port: int) -> subprocess.Popen:
    from bench.serving import wait_until_up

    # Folio's production timeouts and keep-alive (config/gunicorn.py), 2 sync workers.
    proc = subprocess.Popen(
        [
            str(python),
            "-m",
            "gunicorn",
            "peersite.wsgi",
            "--workers",
            "2",
            "--timeout",
            "30",
            "--keep-alive",
            "5",
            "--no-control-socket",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=PEER,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "peersite.settings"},
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    wait_until_up(f"http://127.0.0.1:{port}/bench-floor/", proc)
    return proc


def _commit() -> str:
    return subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()


def _get(url: str) -> int:
    import urllib.request

    return len(urllib.request.urlopen(url, timeout=120).read())  # noqa: S310 - loopback


def main() -> int:
    if not shutil.which("wrk"):
        print("wrk is needed: apt-get install wrk", file=sys.stderr)
        return 1
    for url in (os.environ["DATABASE_URL"], os.environ["PEER_DATABASE_URL"]):
        if not url.startswith("postgres"):
            print("bench-peer compares on PostgreSQL: set DATABASE_URL", file=sys.stderr)
            return 1
        _create_database(url)
    python = _peer_venv()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench.peer.report import report
    from bench.run import _wrk, scenarios
    from bench.seed import seed
    from bench.serving import serve_folio
    from content.models.snapshots import DeliverySnapshot

    call_command("migrate", verbosity=0)
    have = DeliverySnapshot.objects.filter(kind="article").count()
    if have < SCALE:
        print(f"Folio: seeding {SCALE - have} articles…")
        seed(SCALE)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print("Wagtail: migrating and seeding…")
    _peer_manage(python, "migrate", "--verbosity", "0")
    middle = _peer_manage(python, "seed_peer", str(SCALE)).split()[-1]
    version = subprocess.run(
        [str(python), "-c", "import wagtail; print(wagtail.__version__)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()

    folio = scenarios()
    deep = min(9000, SCALE - 20)
    fields = "type=blog.ArticlePage&fields=intro,date,category,tags"
    v3 = "type=blog.ArticlePage"
    off, on, wag = (f"http://127.0.0.1:{PORT + i}" for i in (1, 2, 3))
    # Scenario → {column: (base URL, path)}.
    plan = {
        "floor": {
            "Folio": (off, folio["floor (bare Django JSON)"][0]),
            "Wagtail": (wag, "/bench-floor/"),
        },
        "list 20, uncached": {
            "Folio": (off, folio["list limit=20"][0]),
            "v2": (wag, f"/api/v2/pages/?{fields}&limit=20"),
            "v3": (wag, f"/api/v3/pages/?{v3}&limit=20"),
        },
        "list 20, cached": {"Folio": (on, folio["list limit=20"][0])},
        "detail, uncached": {
            "Folio": (off, folio["detail by slug"][0]),
            "v2": (wag, f"/api/v2/pages/{middle}/"),
            "v3": (wag, f"/api/v3/pages/{middle}/"),
        },
        "detail, cached": {"Folio": (on, folio["detail by slug"][0])},
        f"page at item {deep}, offset / page number": {
            "Folio": (off, folio[f"deep page, offset {deep}"][0]),
            "v2": (wag, f"/api/v2/pages/?{fields}&limit=20&offset={deep}"),
            "v3": (wag, f"/api/v3/pages/?{v3}&limit=20&offset={deep}"),
        },
        f"page at item {deep}, cursor": {"Folio": (off, folio[f"deep page, cursor at {deep}"][0])},
    }
    # Each server's floor path (the cached Folio serves the same floor).
    floors = dict(plan["floor"].values()) | {on: plan["floor"]["Folio"][1]}
    servers = []
    try:
        # No access log on either side: stock Wagtail writes none.
        quiet = {"GUNICORN_ACCESS_LOG": ""}
        servers.append(serve_folio(PORT + 1, DELIVERY_CACHE_ENABLED="0", **quiet))
        servers.append(serve_folio(PORT + 2, DELIVERY_CACHE_ENABLED="1", **quiet))
        servers.append(_serve_wagtail(python, PORT + 3))
        sizes = {}
        for name, targets in plan.items():
            for column, (base, path) in targets.items():
                for _ in range(20):  # warm up, fill Folio's cache, and fail early on an error
                    sizes[name, column] = _get(base + path)
        runs: dict[tuple[str, str], list[dict]] = {key: [] for key in sizes}
        for round_number in range(1, ROUNDS + 1):
            print(f"round {round_number}/{ROUNDS}…")
            for name, targets in plan.items():
                for column, (base, path) in targets.items():
                    runs[name, column].append(
                        _wrk(path, 1, CONNECTIONS, DURATION, base=base, timeout=30)
                    )
                    # wrk leaves up to CONNECTIONS requests queued when it stops; a slow
                    # scenario's leftovers would eat into the next run on the same server.
                    _get(base + floors[base])
    finally:
        for proc in servers:
            os.killpg(proc.pid, signal.SIGTERM)
        for proc in servers:
            proc.wait(timeout=60)
    found = {
        key: {
            "rps": statistics.median(r["rps"] for r in results),
            "p99": statistics.median(r["p99"] for r in results),
            "errors": sum(r["errors"] + r["socket_errors"] for r in results),
            "bytes": sizes[key],
        }
        for key, results in runs.items()
    }
    header = (
        f"{SCALE} items each on PostgreSQL {connection.pg_version // 10000}, analysed; "
        f"gunicorn 2 sync workers each; wrk -t1 -c{CONNECTIONS} -d{DURATION}s, scenarios "
        f"interleaved over {ROUNDS} rounds (medians). Folio {_commit()}, "
        f"Wagtail {version}. Load average at the end: {os.getloadavg()[0]:.1f}."
    )
    table = report(found, list(plan), header)
    print("\n" + table)
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / f"peer-{SCALE}.md").write_text(table + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
