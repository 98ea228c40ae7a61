"""`/api/schema/` under concurrent first requests, in a real server process.

drf-spectacular's generation is not thread-safe (tfranzel/drf-spectacular#1123, #1368):
a threaded server that received its first schema requests at once answered some of them
with a 500, or with a different schema. `make run`'s server (runserver, threaded, DEBUG on)
is started here in a fresh process, so its schema has never been generated.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml

BASE_DIR = Path(__file__).resolve().parents[2]
CLIENTS = 8


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, str, bytes]:
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 (loopback)
    try:
        with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read()


@pytest.fixture
def server(tmp_path):
    """`manage.py runserver` as `make run` starts it (local settings, DEBUG on, threaded)."""
    port = _free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "CACHE_URL", "REDIS_URL", "CELERY_BROKER_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        CELERY_QUEUE_DIR=str(tmp_path / "celery"),
        MEDIA_ROOT=str(tmp_path / "media"),
        PYTHONUNBUFFERED="1",
    )
    log_path = tmp_path / "server.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen(  # noqa: S603
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120  # generous: a busy 2-core machine starts slowly
        while True:
            if proc.poll() is not None:
                pytest.fail(f"runserver exited {proc.returncode}:\n{log_path.read_text()}")
            try:
                if _get(f"{url}/health/live/")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"runserver did not answer:\n{log_path.read_text()}")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _at_once(url: str, count: int) -> list[tuple[int, str, bytes]]:
    """`count` GETs released together by a barrier; each thread's answer."""
    barrier = threading.Barrier(count)
    answers: list = [None] * count

    def fetch(i: int) -> None:
        barrier.wait()
        try:
            answers[i] = _get(url)
        except OSError as error:  # a dropped connection is a failure too, not a crash
            answers[i] = (0, "", repr(error).encode())

    threads = [threading.Thread(target=fetch, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_concurrent_first_requests_all_get_the_same_schema(server):
    answers = _at_once(f"{server}/api/schema/", CLIENTS)
    statuses = [status for status, _, _ in answers]
    assert statuses == [200] * CLIENTS, [(s, body[:300]) for s, _, body in answers]
    bodies = {body for _, _, body in answers}
    assert len(bodies) == 1, "the concurrent requests got different schemas"
    schema = yaml.safe_load(bodies.pop())
    assert "/api/v1/delivery/articles/" in schema["paths"]

    # The kept schema is still rendered in the format each client asks for.
    status, content_type, body = _get(f"{server}/api/schema/?format=json")
    assert (status, content_type.split(";")[0]) == (200, "application/vnd.oai.openapi+json")
    assert yaml.safe_load(body) == schema
    status, content_type, body = _get(
        f"{server}/api/schema/", {"Accept": "application/vnd.oai.openapi+json"}
    )
    assert (status, content_type.split(";")[0]) == (200, "application/vnd.oai.openapi+json")
    assert yaml.safe_load(body) == schema
    status, content_type, body = _get(f"{server}/api/schema/?format=yaml")
    assert (status, content_type.split(";")[0]) == (200, "application/vnd.oai.openapi")
    assert yaml.safe_load(body) == schema
