"""A takedown while the cache Redis is stalled: gunicorn stops serving it within the lease.

Reproduces what fault injection found: warm the delivery cache, `kill -STOP` Redis, unpublish
from another process, `kill -CONT`. Redis comes back holding the cached response, and the
content version used to live beside it, so the response stayed valid for its whole TTL.
The version now lives in the database and moves in the unpublish's transaction.
"""

from __future__ import annotations

import time

import pytest

from tests.integration.conftest import (
    django_shell,
    http_status,
    manage,
    production_env,
    start_gunicorn,
)
from tests.redis_process import RedisProcess

pytestmark = pytest.mark.integration
LEASE = 1  # DELIVERY_LOCAL_CACHE_SECONDS: how long a process trusts the version it read

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


def test_an_unpublish_during_a_redis_stall_is_not_served_once_redis_is_back(tmp_path):
    with RedisProcess() as redis:
        env = production_env(
            tmp_path,
            CACHE_URL=redis.url,
            ALLOWED_HOSTS="127.0.0.1",
            SECURE_SSL_REDIRECT="false",
            DELIVERY_LOCAL_CACHE_SECONDS=str(LEASE),
        )
        manage("migrate", "--noinput", env=env)
        slug = django_shell(SETUP, env=env)["slug"]
        web, base = start_gunicorn(env, tmp_path)
        try:
            url = f"{base}/api/v1/delivery/articles/{slug}/"
            for _ in range(6):  # both workers hold it in their own tier and in Redis
                assert http_status(url) == 200

            redis.pause()
            took = django_shell(UNPUBLISH, env=env, timeout=120)["seconds"]
            committed = time.monotonic()  # the unpublish has committed by now
            redis.resume()

            while (code := http_status(url)) == 200:
                assert time.monotonic() - committed < 30, "the takedown is still public"
                time.sleep(0.1)
            assert code == 404
            print(f"unpublish took {took:.2f} s; 404 {time.monotonic() - committed:.2f} s after")
            # The documented bound: a worker whose lease began before the commit may answer
            # from its own memory until the lease ends. Past it, no worker serves the item.
            time.sleep(max(0.0, committed + LEASE - time.monotonic()))
            for _ in range(10):
                assert http_status(url) == 404
        finally:
            web.stop()
