"""Outage drill: what delivery and the management API answer while PostgreSQL is stopped,
and how long the web process takes to recover once it is back (docs/operations.md,
"Outages and circuit breakers").

Starts a private PostgreSQL (initdb + pg_ctl) and a private redis-server on free loopback
ports, migrates, publishes ARTICLES articles, starts gunicorn (WORKERS sync workers) on
production settings, warms the cache for half of the articles, then runs CLIENTS client
threads through three phases: BEFORE seconds up, OUTAGE seconds with PostgreSQL stopped,
and after the restart until every client has seen the uncached half answered again (at
most RECOVER_LIMIT seconds). Prints, per phase, the statuses of cached and uncached
delivery reads, management writes and the readiness probe, the slowest answer, and the
time to recover. Nothing here leaves the machine; every loop is bounded.

    .venv/bin/python bench/outage.py            # or: make bench-outage
    OUTAGE=20 CLIENTS=8 .venv/bin/python bench/outage.py
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.integration.conftest import django_shell, manage  # noqa: E402
from tests.pg_process import private_postgres  # noqa: E402
from tests.redis_process import RedisProcess  # noqa: E402

ARTICLES = int(os.environ.get("ARTICLES", "20"))
WORKERS = int(os.environ.get("WORKERS", "2"))
CLIENTS = int(os.environ.get("CLIENTS", "4"))
BEFORE = float(os.environ.get("BEFORE", "5"))
OUTAGE = float(os.environ.get("OUTAGE", "15"))
AFTER = float(os.environ.get("AFTER", "5"))
RECOVER_LIMIT = float(os.environ.get("RECOVER_LIMIT", "60"))
PASSWORD = "pw-for-the-drill-1"  # noqa: S105 - a throwaway database's user
SETUP = """
import json
from accounts.services import user_create
from content.models import Article
from content.services import entry_create, entry_publish
admin = user_create(actor=None, email="ops@example.com", password=%(password)r,
                    roles=["Administrator"])
slugs = []
for n in range(%(articles)d):
    article = entry_create(model=Article, actor=admin, data={"title": f"Drill {n}"})
    entry_publish(entry=article, actor=admin)
    slugs.append(article.slug)
print("RESULT=" + json.dumps(slugs))
"""
COUNT = """
import json
from content.models import Article
print("RESULT=" + json.dumps(Article.objects.filter(title__startswith="Written").count()))
"""


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _env(database: str, cache: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DATABASE_URL", "CACHE_URL", "CELERY_", "DJANGO_SETTINGS"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        AUDIT_ANCHOR_KEY=secrets.token_urlsafe(32),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        DATABASE_URL=database,
        CACHE_URL=cache,
        CELERY_BROKER_URL="memory://",
        LOG_LEVEL="WARNING",
        # Every request reads the content version: the outage shows at once, not after the
        # process's one-second lease.
        DELIVERY_LOCAL_CACHE_SECONDS="0",
        THROTTLE_DELIVERY_ANON_RATE="1000000/min",
        THROTTLE_ANON_RATE="1000000/min",
        THROTTLE_USER_RATE="1000000/min",
        # The drill's Administrator writes with a password-only token (no authenticator).
        MFA_REQUIRED_ROLES="",
    )
    return env


class Drill:
    def __init__(self, base: str, slugs: list[str], token: str):
        self.base, self.token = base, token
        half = len(slugs) // 2
        self.cached, self.uncached = slugs[:half], slugs[half:]
        self.phase = "before"
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.statuses: dict[str, dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
        self.slowest: dict[str, float] = defaultdict(float)
        # When each kind of request first succeeded after the restart.
        self.recovered: dict[str, float] = {}
        self.writes_ok = 0

    def record(self, kind: str, status: int, seconds: float) -> None:
        with self.lock:
            if self.phase == "after" and status in (200, 201) and kind not in self.recovered:
                self.recovered[kind] = time.monotonic()
            self.statuses[self.phase][kind][status] += 1
            self.slowest[self.phase] = max(self.slowest[self.phase], seconds)

    def request(self, kind: str, method: str, path: str, **kwargs) -> int:
        started = time.monotonic()
        try:
            status = requests.request(
                method, f"{self.base}{path}", timeout=30, **kwargs
            ).status_code
        except requests.RequestException:
            status = 0  # no answer at all
        self.record(kind, status, time.monotonic() - started)
        return status

    def client(self, n: int) -> None:
        auth = {"Authorization": f"Bearer {self.token}"}
        i = n
        while not self.stop.is_set():
            i += 1
            self.request(
                "cached", "GET", f"/api/v1/delivery/articles/{self.cached[i % len(self.cached)]}/"
            )
            if self.phase != "before":  # never asked before the outage: nothing kept
                uncached = self.uncached[i % len(self.uncached)]
                self.request("uncached", "GET", f"/api/v1/delivery/articles/{uncached}/")
            write = {"json": {"title": f"Written {n}-{i}"}, "headers": auth}
            if i % 5 == 0 and self.request("write", "POST", "/api/v1/articles/", **write) == 201:
                with self.lock:
                    self.writes_ok += 1
            if i % 10 == 0:
                self.request("ready", "GET", "/health/ready/")


def main() -> None:
    with private_postgres() as database, RedisProcess() as cache:
        env = _env(database.url("folio"), cache.url)
        manage("migrate", "--noinput", env=env, timeout=300)
        slugs = django_shell(SETUP % {"password": PASSWORD, "articles": ARTICLES}, env=env)
        port = _free_port()
        log = Path(tempfile.mkstemp(prefix="folio-outage-", suffix=".log")[1])
        web = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi", "-c", "config/gunicorn.py"],
            cwd=ROOT,
            env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": str(WORKERS)},
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if requests.get(f"{base}/health/live/", timeout=2).status_code == 200:
                        break
                except requests.RequestException:
                    pass
                if time.monotonic() > deadline:
                    raise SystemExit(f"gunicorn did not start; see {log}")
                time.sleep(0.2)
            token = requests.post(
                f"{base}/api/v1/auth/token/",
                json={"email": "ops@example.com", "password": PASSWORD},
                timeout=30,
            ).json()["access"]
            drill = Drill(base, slugs, token)
            for slug in drill.cached:  # warm: each worker's miss is stored in Redis
                requests.get(f"{base}/api/v1/delivery/articles/{slug}/", timeout=30)
            threads = [threading.Thread(target=drill.client, args=(n,)) for n in range(CLIENTS)]
            for thread in threads:
                thread.start()
            time.sleep(BEFORE)
            drill.phase = "outage"
            database.stop()
            time.sleep(OUTAGE)
            database.start()  # returns once PostgreSQL accepts connections
            restarted = time.monotonic()
            drill.phase = "after"
            deadline = restarted + RECOVER_LIMIT
            while len(drill.recovered) < 4 and time.monotonic() < deadline:
                time.sleep(0.1)
            time.sleep(AFTER)
            drill.stop.set()
            for thread in threads:
                thread.join()
        finally:
            web.terminate()
            web.wait(timeout=60)
        written = django_shell(COUNT, env=env)
        server_errors = log.read_text(errors="replace").count("Internal Server Error")
    report = {
        "phases": {
            phase: {kind: dict(sorted(c.items())) for kind, c in kinds.items()}
            for phase, kinds in drill.statuses.items()
        },
        "slowest_seconds": {phase: round(s, 2) for phase, s in drill.slowest.items()},
        "first_success_seconds_after_restart": {
            kind: round(at - restarted, 2) for kind, at in sorted(drill.recovered.items())
        },
        "writes_answered_201": drill.writes_ok,
        "articles_written": written,
        # Answered 201 but not in the database: lost. The reverse (committed, but the
        # answer was a 503 because the server went away right after the commit) is the
        # ambiguity any client of any database has: it retries, and finds its write.
        "lost_writes": max(0, drill.writes_ok - written),
        "committed_but_answered_503": max(0, written - drill.writes_ok),
        "logged_500s": server_errors,
        "settings": {"workers": WORKERS, "clients": CLIENTS, "outage_seconds": OUTAGE},
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
