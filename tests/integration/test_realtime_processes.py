"""The real-time process as `make run` and production run it: daphne in its own process,
and content published by another process (the web process, a Celery worker). Its events
reach the stream across processes, on the embedded default (the in-memory channel layer;
the ASGI process reads the event log in the SQLite file) and on channels-redis."""

from __future__ import annotations

import http.client
import json
import socket
import sys
import time

import pytest

from tests.integration.conftest import (
    REDIS_URL,
    Process,
    child_env,
    django_shell,
    http_status,
    manage,
)

pytestmark = pytest.mark.integration

PUBLISH = """
import json
from governance.models import Workflow
from tests.content.factories import ArticleFactory
Workflow.objects.update(is_active=False)
article = ArticleFactory(title={title!r}, published=True)
print("RESULT=" + json.dumps({{"id": article.pk}}))
"""


def _port() -> int:
    """A free port in 8400-8499: test servers keep to that range."""
    for port in range(8400, 8500):
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) != 0:
                return port
    pytest.fail("no free port in 8400-8499")


class Stream:
    """An SSE client on a plain socket: reads one message at a time."""

    def __init__(self, port: int, headers: dict[str, str] | None = None) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        self.conn.request("GET", "/api/v1/delivery/events/?types=article", headers=headers or {})
        self.response = self.conn.getresponse()
        assert self.response.status == 200

    def message(self) -> tuple[str | None, dict]:
        """The next message with data: its id and JSON (fails after 10 s of silence)."""
        fields: dict[str, str] = {}
        while True:
            line = self.response.fp.readline().decode().rstrip("\n")
            if line:
                name, _, value = line.partition(": ")
                fields[name] = value
            elif "data" in fields:
                return fields.get("id"), json.loads(fields["data"])

    def close(self) -> None:
        self.conn.close()


@pytest.mark.parametrize("layer", ["embedded", "channels-redis"])
def test_a_publish_in_another_process_reaches_the_stream_and_is_replayed(
    tmp_path, processes, layer
):
    env = child_env(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DATABASE_URL=f"sqlite:///{tmp_path / 'folio.sqlite3'}",
        CELERY_QUEUE_DIR=str(tmp_path / "celery"),
    )
    if layer == "channels-redis":
        env.update(CACHE_URL=REDIS_URL, CHANNEL_LAYER_URL=REDIS_URL)
    manage("migrate", "--noinput", env=env, timeout=180)
    port = _port()
    realtime = Process(
        "realtime",
        [
            sys.executable,
            "-m",
            "daphne",
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "config.asgi:application",
        ],
        env,
        tmp_path / "daphne.log",
    ).start()
    processes.append(realtime)
    deadline = time.monotonic() + 60
    while http_status(f"http://127.0.0.1:{port}/health/live/") != 200:
        assert time.monotonic() < deadline, realtime.log()
        time.sleep(0.2)

    stream = Stream(port)
    published = time.monotonic()
    first = django_shell(PUBLISH.format(title="Across processes"), env=env)["id"]
    seen, event = stream.message()
    stream.close()
    assert (event["event"], event["id"]) == ("published", first)
    # The shell's start-up is most of this; the event itself follows the commit at once.
    assert time.monotonic() - published < 30

    missed = django_shell(PUBLISH.format(title="While away"), env=env)["id"]
    stream = Stream(port, headers={"Last-Event-ID": seen})
    _, replayed = stream.message()
    stream.close()
    assert (replayed["event"], replayed["id"]) == ("published", missed)
