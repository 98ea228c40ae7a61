"""config/gunicorn.py: worker recycling that cannot storm, and a preloaded app that leaves
every worker its own connections.

Each case reads the configuration in a fresh process, as gunicorn does at start-up, with
only the environment the case gives it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]

READ = """
import json, runpy
ns = runpy.run_path("config/gunicorn.py")
print(json.dumps({k: ns[k] for k in ("max_requests", "max_requests_jitter", "preload_app")}))
"""


def _settings(**env: str) -> dict:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("GUNICORN_")}
    out = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", READ],
        cwd=BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def test_workers_recycle_rarely_with_jitter_half_the_limit_and_the_app_preloaded():
    assert _settings() == {"max_requests": 10000, "max_requests_jitter": 5000, "preload_app": True}


def test_the_jitter_follows_the_limit_an_operator_sets_unless_set_itself():
    assert _settings(GUNICORN_MAX_REQUESTS="2000")["max_requests_jitter"] == 1000
    chosen = _settings(GUNICORN_MAX_REQUESTS="2000", GUNICORN_MAX_REQUESTS_JITTER="300")
    assert (chosen["max_requests"], chosen["max_requests_jitter"]) == (2000, 300)


def test_preloading_can_be_turned_off():
    assert _settings(GUNICORN_PRELOAD="false")["preload_app"] is False
    assert _settings(GUNICORN_PRELOAD="0")["preload_app"] is False


MASTER = """
import runpy, types
import django
django.setup()
from django.db import connection
ns = runpy.run_path("config/gunicorn.py")
connection.ensure_connection()
server = types.SimpleNamespace(cfg=types.SimpleNamespace(preload_app={preload}))
ns["when_ready"](server)
print("open" if connection.connection is not None else "closed")
"""


def _master_connection_after_when_ready(preload: bool, tmp_path: Path) -> str:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("GUNICORN_")},
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    out = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", MASTER.format(preload=preload)],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip()


def test_a_preloading_master_closes_its_database_connection_before_the_first_fork(tmp_path):
    # A connection the master opened while loading would be shared by every forked worker.
    assert _master_connection_after_when_ready(True, tmp_path) == "closed"


def test_without_preloading_the_master_hook_leaves_connections_alone(tmp_path):
    assert _master_connection_after_when_ready(False, tmp_path) == "open"
