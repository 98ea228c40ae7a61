"""A takedown while the cache Redis is stalled: gunicorn stops serving it within the lease.

Reproduces what fault injection found: warm the delivery cache, `kill -STOP` Redis, unpublish
from another process, `kill -CONT`. Redis comes back holding the cached response, and the
content version used to live beside it, so the response stayed valid for its whole TTL.
The version now lives in the database and moves in the unpublish's transaction.
"""

from __future__ import annotations

import socket
import time
import urllib.error
import urllib.request

import pytest

from tests.integration.conftest import BASE_DIR, Process, django_shell, manage, production_env
from tests.redis_process import RedisProcess

pytestmark = pytest.mark.integration

SETUP = """
import json
from accounts.services import user_create
from content.models import Article
from content.services import entry_create, entry_publish
admin = user_create(actor=None, email="ops@example.com", password="pw-for-tests-1",
                    roles=["Administrator"])
article = entry_create(model=Article, actor=admin, data={"title": "Recall notice"})
entry_publish(entry=article, actor=admin)
print("RESULT=" + json.dumps({"slug": article.slug}))
"""
UNPUBLISH = """
import json, time
from accounts.models import User
from content.models import Article
from content.services import entry_unpublish
started = time.monotonic()
entry_unpublish(entry=Article.objects.get(), actor=User.objects.get(email="ops@example.com"))
print("RESULT=" + json.dumps({"seconds": time.monotonic() - started}))
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def status(url: str) -> int:
    """The response's status; 0 while nothing listens yet."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - loopback
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except urllib.error.URLError:
        return 0


def test_an_unpublish_during_a_redis_stall_is_not_served_once_redis_is_back(tmp_path):
    with RedisProcess() as redis:
        env = production_env(
            tmp_path,
            CACHE_URL=redis.url,
            ALLOWED_HOSTS="127.0.0.1",
            SECURE_SSL_REDIRECT="false",
            DELIVERY_LOCAL_CACHE_SECONDS="1",
        )
        manage("migrate", "--noinput", env=env)
        slug = django_shell(SETUP, env=env)["slug"]
        port = _free_port()
        web = Process(
            "web",
            [str(BASE_DIR / ".venv/bin/gunicorn"), "config.wsgi", "-c", "config/gunicorn.py"],
            {**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2"},
            tmp_path / "gunicorn.log",
        ).start()
        try:
            url = f"http://127.0.0.1:{port}/api/v1/delivery/articles/{slug}/"
            deadline = time.monotonic() + 60
            while status(url) != 200:  # up, and the response is cached by now
                assert time.monotonic() < deadline, web.log()
                time.sleep(0.2)
            for _ in range(6):  # both workers hold it in their own tier and in Redis
                assert status(url) == 200

            redis.pause()
            took = django_shell(UNPUBLISH, env=env, timeout=120)["seconds"]
            redis.resume()

            started = time.monotonic()
            while (code := status(url)) == 200:
                assert time.monotonic() - started < 30, "the takedown is still public"
                time.sleep(0.1)
            assert code == 404
            print(f"unpublish took {took:.2f} s; 404 {time.monotonic() - started:.2f} s after")
            for _ in range(6):
                assert status(url) == 404
        finally:
            web.stop()
