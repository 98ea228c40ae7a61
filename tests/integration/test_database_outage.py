"""PostgreSQL stopped under a running gunicorn: delivery serves what it had cached, marked
stale, and a 503 with Retry-After in the error format for the rest; writes get 503; the
readiness probe answers at once; nothing needs a restart when the database returns.

The database is a private PostgreSQL (tests.pg_process), really stopped and started.
"""

from __future__ import annotations

import time

import pytest
import requests

from tests.integration.conftest import bearer, django_shell, manage, production_env, start_gunicorn
from tests.pg_process import private_postgres
from tests.redis_process import RedisProcess
from tests.waiting import wait_for

pytestmark = pytest.mark.integration
PASSWORD = "pw-for-tests-1"

SETUP = """
import json
from accounts.services import user_create
from content.models import Article
from content.services import entry_create, entry_publish
admin = user_create(actor=None, email="ops@example.com", password=%(password)r,
                    roles=["Administrator"])
slugs = []
for title in ("Cached one", "Never asked for"):
    article = entry_create(model=Article, actor=admin, data={"title": title})
    entry_publish(entry=article, actor=admin)
    slugs.append(article.slug)
print("RESULT=" + json.dumps({"slugs": slugs}))
"""
COUNT = """
import json
from content.models import Article
print("RESULT=" + json.dumps({"articles": Article.objects.count()}))
"""


def test_delivery_degrades_to_stale_and_503_while_postgres_is_down_and_recovers(
    tmp_path, processes
):
    with private_postgres() as database, RedisProcess() as cache:
        env = production_env(
            tmp_path,
            DATABASE_URL=database.url("folio"),
            CACHE_URL=cache.url,
            ALLOWED_HOSTS="127.0.0.1",
            SECURE_SSL_REDIRECT="false",
            CIRCUIT_BREAKER_RESET_SECONDS="2",
            # Every request reads the content version (no lease): the outage shows at once.
            DELIVERY_LOCAL_CACHE_SECONDS="0",
            # A broker nobody needs here: nothing in this test sends a task.
            CELERY_BROKER_URL="memory://",
        )
        manage("migrate", "--noinput", env=env)
        slugs = django_shell(SETUP % {"password": PASSWORD}, env=env)["slugs"]
        web, base = start_gunicorn(env, tmp_path, workers=1)
        processes.append(web)
        auth = bearer(base, "ops@example.com", PASSWORD)
        cached_url = f"{base}/api/v1/delivery/articles/{slugs[0]}/"
        other_url = f"{base}/api/v1/delivery/articles/{slugs[1]}/"
        fresh = requests.get(cached_url, timeout=30)
        assert fresh.status_code == 200
        assert "stale-if-error=" in fresh.headers["Cache-Control"]
        assert "Warning" not in fresh.headers

        database.stop()
        statuses: dict[str, list[int]] = {}
        slowest = 0.0

        def get(name: str, method: str, url: str, **kwargs) -> requests.Response:
            nonlocal slowest
            started = time.monotonic()
            response = requests.request(method, url, timeout=30, **kwargs)
            slowest = max(slowest, time.monotonic() - started)
            statuses.setdefault(name, []).append(response.status_code)
            return response

        for _ in range(10):  # past CIRCUIT_BREAKER_FAIL_MAX: the breaker opens on the way
            stale = get("cached", "GET", cached_url)
            assert stale.status_code == 200, stale.text
            assert stale.json()["title"] == "Cached one"
            assert stale.headers["Warning"] == '110 - "Response is Stale"'
            assert int(stale.headers["Age"]) >= 0
            missing = get("uncached", "GET", other_url)
            assert missing.status_code == 503, missing.text
            assert missing.headers["Retry-After"].isdigit()
            assert missing.json()["error"]["code"] == "database_unavailable"
            write = get(
                "write", "POST", f"{base}/api/v1/articles/", json={"title": "Lost?"}, headers=auth
            )
            assert write.status_code == 503, write.text
            assert write.json()["error"]["code"] == "database_unavailable"
            ready = get("ready", "GET", f"{base}/health/ready/")
            assert ready.status_code == 503
            assert ready.json()["checks"]["database"]["status"] == "error"
        # No request waited for the pool's 10 s timeout (the breaker opened, or the pool
        # was waited on for DB_POOL_TIMEOUT_DEGRADED only).
        assert slowest < 8, slowest
        breakers = {b["name"]: b["state"] for b in ready.json()["breakers"]}
        assert breakers["database"] in ("open", "half-open")
        metrics = requests.get(f"{base}/metrics", timeout=30).text
        assert 'folio_circuit_breaker_state{breaker="database"} 2.0' in metrics
        assert "Internal Server Error" not in web.log()

        database.start()
        started = time.monotonic()
        wait_for(lambda: requests.get(other_url, timeout=30).status_code == 200, "recovery")
        recovered_in = time.monotonic() - started
        ready = requests.get(f"{base}/health/ready/", timeout=30)
        assert ready.status_code == 200, ready.text
        breakers = {b["name"]: b["state"] for b in ready.json()["breakers"]}
        assert breakers["database"] == "closed"
        served = requests.get(cached_url, timeout=30)
        assert served.status_code == 200
        assert "Warning" not in served.headers
        write = requests.post(
            f"{base}/api/v1/articles/", json={"title": "After"}, headers=auth, timeout=30
        )
        assert write.status_code == 201, write.text
        # The refused writes left nothing behind; the one after the outage is there.
        assert django_shell(COUNT, env=env) == {"articles": 3}
        print(
            "during the outage:",
            {name: {s: codes.count(s) for s in set(codes)} for name, codes in statuses.items()},
            f"slowest {slowest:.2f} s; recovered {recovered_in:.2f} s after the restart",
        )


def test_a_statement_past_db_statement_timeout_is_a_503_not_a_held_worker(tmp_path, processes):
    """A write stuck behind a row lock (a slow database, as a worker sees it) is cancelled by
    PostgreSQL after DB_STATEMENT_TIMEOUT_MS and answered 503 database_timeout."""
    import psycopg

    with private_postgres() as database:
        env = production_env(
            tmp_path,
            DATABASE_URL=database.url("folio"),
            ALLOWED_HOSTS="127.0.0.1",
            SECURE_SSL_REDIRECT="false",
            CELERY_BROKER_URL="memory://",
            DB_STATEMENT_TIMEOUT_MS="500",
        )
        manage("migrate", "--noinput", env=env.copy() | {"DB_STATEMENT_TIMEOUT_MS": "0"})
        django_shell(SETUP % {"password": PASSWORD}, env=env)
        web, base = start_gunicorn(env, tmp_path, workers=1)
        processes.append(web)
        auth = bearer(base, "ops@example.com", PASSWORD)
        article = requests.get(f"{base}/api/v1/articles/", headers=auth, timeout=30).json()
        item = article["results"][0]
        url = f"{base}/api/v1/articles/{item['id']}/"
        change = {"title": "Renamed", "version": item["version"]}
        owner_url = database.url("folio").replace("postgres://", "postgresql://")
        with psycopg.connect(owner_url) as holder:
            holder.execute("SELECT 1 FROM content_article WHERE id = %s FOR UPDATE", [item["id"]])
            started = time.monotonic()
            stuck = requests.patch(url, json=change, headers=auth, timeout=30)
            waited = time.monotonic() - started
        assert stuck.status_code == 503, stuck.text
        assert stuck.json()["error"]["code"] == "database_timeout"
        assert stuck.headers["Retry-After"].isdigit()
        assert waited < 10, waited  # not the 30 s gunicorn would have killed the worker at
        # The lock is gone: the same request goes through, and the worker was never lost.
        done = requests.patch(url, json=change, headers=auth, timeout=30)
        assert done.status_code == 200, done.text
        assert "WORKER TIMEOUT" not in web.log()
