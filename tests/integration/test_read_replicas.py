"""Read replicas on a real streaming replica: anonymous delivery reads the standby, the
client that just published reads the primary (read-your-writes), and a dead standby is
skipped.

A private primary (initdb) and a hot standby made from it with `pg_basebackup -R`
(tests/pg_process.py). Pausing the standby's replay makes it lag for as long as the test
needs: what anonymous readers see then shows where their reads went.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator

import pytest
import requests

from tests.integration.conftest import bearer, django_shell, manage, production_env, start_gunicorn
from tests.pg_process import PostgresServer

pytestmark = pytest.mark.integration
PASSWORD = "pw-for-tests-1"
LIST = "/api/v1/delivery/articles/"

SETUP = """
import json
from accounts.services import user_create
from content.models import Article
from content.services import entry_create, entry_publish
admin = user_create(actor=None, email="ops@example.com", password=%(password)r,
                    roles=["Administrator"])
live = entry_create(model=Article, actor=admin, data={"title": "First"})
entry_publish(entry=live, actor=admin)
draft = entry_create(model=Article, actor=admin, data={"title": "Second"})
print("RESULT=" + json.dumps({"draft": draft.pk}))
"""


@pytest.fixture(scope="module")
def cluster() -> Iterator[tuple[PostgresServer, PostgresServer]]:
    """A primary with a `folio` database, and a hot standby streaming from it."""
    primary = PostgresServer.primary()
    standby = None
    try:
        primary.sql("CREATE DATABASE folio")
        standby = PostgresServer.standby(primary)
        yield primary, standby
    finally:
        if standby is not None:
            standby.remove()
        primary.remove()


def titles(base: str, headers: dict[str, str] | None = None) -> list[str]:
    response = requests.get(f"{base}{LIST}", headers=headers or {}, timeout=30)
    assert response.status_code == 200, response.text
    return sorted(item["title"] for item in response.json()["results"])


def wait_for_titles(base: str, expected: list[str], headers=None, timeout: float = 60) -> None:
    """Poll: each web worker trusts the content version it read for its cache lease."""
    deadline = time.monotonic() + timeout
    while (seen := titles(base, headers)) != expected:
        assert time.monotonic() < deadline, f"delivery shows {seen}, not {expected}"
        time.sleep(0.2)


def test_delivery_reads_the_replica_and_a_writer_reads_its_own_write(tmp_path, processes, cluster):
    primary, standby = cluster
    env = production_env(
        tmp_path,
        DATABASE_URL=primary.url("folio"),
        DATABASE_REPLICA_URLS=standby.url("folio"),
        DATABASE_REPLICA_PIN_SECONDS="3",
        DATABASE_REPLICA_RETRY_SECONDS="60",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        # Responses are cached under their frontend's address too: none from an earlier run.
        FRONTEND_BASE_URL=f"https://{secrets.token_hex(6)}.example.com",
    )
    manage("migrate", "--noinput", env=env, timeout=300)
    made = django_shell(SETUP % {"password": PASSWORD}, env=env)
    web, base = start_gunicorn(env, tmp_path)
    processes.append(web)

    wait_for_titles(base, ["First"])
    # The web workers hold connections to the standby: that is where delivery reads.
    clients = standby.sql(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE datname = 'folio' AND backend_type = 'client backend'"
    )[0]
    assert clients > 0

    # The standby stops replaying: from now on it lags the primary.
    standby.sql("SELECT pg_wal_replay_pause()")
    standby.wait_until("SELECT pg_get_wal_replay_pause_state()", "paused")

    writer = bearer(base, "ops@example.com", PASSWORD)
    published = requests.post(
        f"{base}/api/v1/articles/{made['draft']}/publish/", headers=writer, timeout=30
    )
    assert published.status_code == 200, published.text
    assert primary.sql("SELECT count(*) FROM content_deliverysnapshot", "folio")[0] == 2

    # The writer sees its publish at once; everyone else still reads the lagging standby,
    # past the process's one-second cache lease too.
    assert titles(base, writer) == ["First", "Second"]
    assert titles(base) == ["First"]
    time.sleep(1.5)
    assert titles(base) == ["First"]
    assert titles(base, writer) == ["First", "Second"]

    # Past the pin window the writer reads the standby as everyone does.
    time.sleep(3.5)
    assert titles(base, writer) == ["First"]

    # Replay resumes: everyone sees the publish.
    standby.sql("SELECT pg_wal_replay_resume()")
    wait_for_titles(base, ["First", "Second"])
    wait_for_titles(base, ["First", "Second"], writer)

    # The standby dies: delivery falls back to the primary, every request answered (200).
    # A web worker that read the standby's version less than a lease ago may still answer
    # one more time from its memory, so poll.
    standby.stop("immediate")
    deadline = time.monotonic() + 60
    while "Read replica replica_0 is unreachable" not in web.log():
        assert time.monotonic() < deadline, web.log()[-6000:]
        assert titles(base) in (["First"], ["First", "Second"])
    wait_for_titles(base, ["First", "Second"])
