"""Folio behind a real Varnish with the project's VCL (deploy/varnish/default.vcl) and
vmod xkey (docs/operations.md, "Front cache (Varnish)"): gunicorn on a private PostgreSQL,
a celery worker that runs the purge jobs, and varnishd on 127.0.0.1, as children of this
test with a site.vcl of its own (the backend, and an ACL that lets only 127.0.0.1 purge:
a PURGE sent from 127.0.0.2, another address of this machine, is from outside it).

- a second anonymous GET of the list is a hit, with an Age;
- a request with Authorization is passed to Folio, every time;
- after a publish, Folio's purge makes the next GET a miss that shows the new item;
- a PURGE from an address outside the ACL is refused, and purges nothing;
- (before a stand-in origin) stale-while-revalidate and stale-if-error as the VCL promises.
"""

from __future__ import annotations

import http.client
import os
import secrets
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from kombu import Connection

from tests.integration.conftest import (
    BASE_DIR,
    BROKER_URL,
    Process,
    bearer,
    child_env,
    django_shell,
    free_port,
    production_env,
    start_gunicorn,
    worker_args,
)
from tests.loopback import LoopbackServer, QuietHandler
from tests.waiting import wait_for

pytestmark = pytest.mark.integration
VARNISHD = os.environ.get("FOLIO_TEST_VARNISHD", "/usr/sbin/varnishd")
PASSWORD = "pw-for-tests-1"
LIST = "/api/v1/delivery/articles/?limit=100"

SETUP = """
import json
from accounts.services import user_create
from content.models import Article
from content.services import entry_create, entry_publish
from governance.models import Workflow
Workflow.objects.update(is_active=False)
tag = %(tag)r
admin = user_create(actor=None, email=f"ops-{tag}@example.com", password=%(password)r,
                    roles=["Administrator"])
live = entry_create(model=Article, actor=admin, data={"title": f"Alpha {tag}"})
entry_publish(entry=live, actor=admin)
draft = entry_create(model=Article, actor=admin, data={"title": f"Beta {tag}"})
print("RESULT=" + json.dumps({"draft": draft.pk}))
"""


def start_varnish(tmp_path: Path, backend: str, listen: int) -> tuple[Process, str]:
    """varnishd with deploy/varnish/default.vcl in front of `backend`, on 127.0.0.1:`listen`,
    once its probe has seen Folio healthy; (process, base URL)."""
    if not Path(VARNISHD).exists():
        pytest.fail(
            f"varnishd is not installed at {VARNISHD} (apt-get install varnish varnish-modules)"
        )
    host, port = backend.removeprefix("http://").split(":")
    site = tmp_path / "vcl"
    site.mkdir()
    (site / "site.vcl").write_text(
        f"""backend folio {{
    .host = "{host}";
    .port = "{port}";
    .probe = {{ .url = "/health/live/"; .interval = 1s; .window = 3; .threshold = 2; }}
}}
acl purgers {{ "127.0.0.1"; }}
"""
    )
    workdir = tmp_path / "varnish"
    proc = Process(
        "varnishd",
        [
            VARNISHD, "-F", "-j", "none", "-n", str(workdir),
            "-a", f"127.0.0.1:{listen}",
            "-f", str(BASE_DIR / "deploy/varnish/default.vcl"),
            "-p", f"vcl_path={site}:{BASE_DIR / 'deploy/varnish'}",
            "-s", "malloc,32m", "-T", "none",
        ],
        child_env(),
        tmp_path / "varnishd.log",
    ).start()  # fmt: skip
    base = f"http://127.0.0.1:{listen}"
    deadline = time.monotonic() + 30
    while True:
        try:
            # Varnish fetches nothing until its probe has seen Folio healthy.
            if requests.get(f"{base}/health/live/", timeout=5).status_code == 200:
                return proc, base
        except requests.ConnectionError:
            pass
        if time.monotonic() > deadline or proc.popen.poll() is not None:
            proc.stop()
            pytest.fail(f"varnishd did not come up:\n{proc.log()}")
        time.sleep(0.2)


@dataclass
class Stack:
    web: str
    cache: str
    port: int
    ids: dict
    tag: str


@pytest.fixture(scope="module")
def stack(migrated_postgres, tmp_path_factory) -> Iterator[Stack]:
    tmp = tmp_path_factory.mktemp("front-cache")
    tag = secrets.token_hex(4)
    queue = f"folio-ci-{tag}"
    started: list[Process] = []
    try:
        port = free_port()  # Varnish's, which Folio purges (FRONT_CACHE_PURGE_URLS)
        env = production_env(
            tmp,
            DATABASE_URL=migrated_postgres,
            ALLOWED_HOSTS="127.0.0.1",
            SECURE_SSL_REDIRECT="false",
            CELERY_TASK_DEFAULT_QUEUE=queue,
            FRONTEND_BASE_URL=f"https://{tag}.example.com",  # this run's own response cache keys
            FRONT_CACHE_PURGE_URLS=f"http://127.0.0.1:{port}",
        )
        ids = django_shell(SETUP % {"tag": tag, "password": PASSWORD}, env=env)
        (tmp / "web").mkdir()
        web, base = start_gunicorn(env, tmp / "web")
        started.append(web)
        varnish, cache = start_varnish(tmp, base, port)
        started.append(varnish)
        worker = Process("worker", worker_args(f"--queues={queue}"), env, tmp / "worker.log")
        started.append(worker.start())
        worker.wait_for_log("ready.")
        yield Stack(base, cache, port, ids, tag)
    finally:
        for proc in reversed(started):
            proc.stop()
        shutil.rmtree(tmp / "varnish", ignore_errors=True)
        with Connection(BROKER_URL, connect_timeout=5) as conn:
            conn.default_channel.queue_delete(queue)


def _get(stack: Stack, headers: dict[str, str] | None = None) -> requests.Response:
    response = requests.get(f"{stack.cache}{LIST}", headers=headers or {}, timeout=30)
    assert response.status_code == 200, response.text
    return response


def _titles(response: requests.Response) -> list[str]:
    return [item["title"] for item in response.json()["results"]]


def test_a_second_anonymous_get_is_a_hit(stack):
    path = "/api/v1/delivery/articles/?limit=37"  # a URL of this test's own
    first = requests.get(f"{stack.cache}{path}", timeout=30)
    second = requests.get(f"{stack.cache}{path}", timeout=30)
    assert first.status_code == second.status_code == 200, first.text
    assert first.headers["X-Cache"] == "MISS"
    assert second.headers["X-Cache"] == "HIT"
    assert second.content == first.content
    assert int(second.headers["Age"]) >= 0
    assert second.headers["Cache-Control"].startswith("public, max-age=60")
    assert "article" in second.headers["Surrogate-Key"].split()
    assert "xkey" not in second.headers


def test_a_request_with_credentials_is_passed_to_folio(stack):
    token = bearer(stack.web, f"ops-{stack.tag}@example.com", PASSWORD)
    for _ in range(2):
        response = _get(stack, token)
        assert response.headers["X-Cache"] == "PASS"
    assert _get(stack, {"Cookie": "sessionid=abc"}).headers["X-Cache"] == "PASS"
    preview = requests.get(f"{stack.cache}/api/v1/delivery/preview/nope/", timeout=30)
    assert preview.headers["X-Cache"] == "PASS"


def test_a_publish_purges_the_list_and_the_next_get_shows_it(stack):
    beta = f"Beta {stack.tag}"
    _get(stack)
    cached = _get(stack)
    assert cached.headers["X-Cache"] == "HIT"
    assert beta not in _titles(cached)
    published = requests.post(
        f"{stack.web}/api/v1/articles/{stack.ids['draft']}/publish/",
        headers=bearer(stack.web, f"ops-{stack.tag}@example.com", PASSWORD),
        timeout=30,
    )
    assert published.status_code == 200, published.text
    # The worker purges FRONT_CACHE_PURGE_DELAY (2 s) after the commit; until then the
    # list is still a hit (max-age is 60 s: only the purge can explain a miss below).
    deadline = time.monotonic() + 30
    while (response := _get(stack)).headers["X-Cache"] == "HIT":
        assert beta not in _titles(response)
        assert time.monotonic() < deadline, "the front cache was never purged"
        time.sleep(0.2)
    assert response.headers["X-Cache"] == "MISS"
    assert beta in _titles(response)
    again = _get(stack)
    assert again.headers["X-Cache"] == "HIT"
    assert beta in _titles(again)


def _purge_from(address: str, port: int, headers: dict[str, str]) -> int:
    """A PURGE to Varnish sent from `address` (a loopback address of this machine)."""
    connection = http.client.HTTPConnection(
        "127.0.0.1", port, timeout=30, source_address=(address, 0)
    )
    try:
        connection.request("PURGE", "/", headers=headers)
        return connection.getresponse().status
    finally:
        connection.close()


def test_a_purge_from_outside_the_acl_is_refused(stack):
    _get(stack)
    assert _get(stack).headers["X-Cache"] == "HIT"
    # From 127.0.0.2: the same machine, but not an address in `acl purgers`.
    assert _purge_from("127.0.0.2", stack.port, {"xkey-purge": "article"}) == 403
    assert _get(stack).headers["X-Cache"] == "HIT"
    # From the ACL's address, the same purge empties it.
    assert _purge_from("127.0.0.1", stack.port, {"xkey-purge": "article"}) == 200
    assert _get(stack).headers["X-Cache"] == "MISS"


class _Origin(QuietHandler):
    """A stand-in for Folio with short cache lifetimes: each fetch of /api/v1/delivery/x/
    answers the next number; /health/live/ follows `healthy`."""

    def do_GET(self):
        origin = self.loopback
        if self.path == "/health/live/":
            self.send_response(200 if origin.healthy else 503)
            self.end_headers()
            return
        if not origin.healthy:
            self.send_response(500)
            self.end_headers()
            return
        origin.fetches += 1
        body = str(origin.fetches).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header(
            "Cache-Control", "public, max-age=1, stale-while-revalidate=2, stale-if-error=60"
        )
        self.send_header("Surrogate-Key", "thing thing-1")
        self.end_headers()
        self.wfile.write(body)


def test_stale_copies_within_swr_then_fresh_and_while_folio_is_down(tmp_path):
    """stale-while-revalidate: a stale copy is answered while Varnish refetches; past it,
    the request waits for a fresh one; while the health probe fails, stale copies are
    served for stale-if-error. (The sleeps are the lifetimes under test: max-age 1 s,
    stale-while-revalidate 2 s.)"""
    origin = LoopbackServer(_Origin)
    origin.fetches, origin.healthy = 0, True
    varnish, cache = start_varnish(tmp_path, origin.base, free_port())
    try:
        url = f"{cache}/api/v1/delivery/x/"

        def read() -> tuple[str, str]:
            response = requests.get(url, timeout=30)
            assert response.status_code == 200, response.text
            return response.text, response.headers["X-Cache"]

        assert read() == ("1", "MISS")
        assert read() == ("1", "HIT")
        time.sleep(1.5)  # stale, within stale-while-revalidate
        assert read() == ("1", "HIT")  # answered stale; refetched behind it
        wait_for(lambda: origin.fetches == 2)
        assert read() == ("2", "HIT")
        time.sleep(3.5)  # past max-age and stale-while-revalidate: never answered stale
        assert read() == ("3", "MISS")

        origin.healthy = False  # Folio errs, and the probe sees it
        time.sleep(3.5)
        assert read() == ("3", "HIT")  # within stale-if-error
    finally:
        varnish.stop()
        origin.close()
