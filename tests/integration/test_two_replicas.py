"""Two web replicas behind nginx behave as one Folio (docs/operations.md, "Running on many
machines"): two gunicorns on their own ports share a PostgreSQL (a private one,
tests/pg_process.py) and Redis, with a celery worker beside each and one beat.

- a publish through one replica is served by the other within its local cache lease;
- the anonymous delivery throttle counts requests to both against one budget;
- an item scheduled a few seconds ahead is published exactly once (one audit row), with
  both workers consuming the queue;
- an edit lock taken through one is held through the other; autosave through one is
  read back through the other.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import requests
from kombu import Connection

from tests.integration.conftest import (
    BROKER_URL,
    Process,
    celery,
    django_shell,
    production_env,
    start_gunicorn,
    start_nginx,
    worker_args,
)

pytestmark = pytest.mark.integration
PASSWORD = "pw-for-tests-1"
LEASE = 1  # DELIVERY_LOCAL_CACHE_SECONDS, the default
ANON_RATE = 12  # per minute, so the throttle test needs few requests

SETUP = """
import json
from django.test import Client
from django_celery_beat.models import IntervalSchedule, PeriodicTask
from accounts.services import user_create
from content.models import Article
from content.services import entry_create, entry_publish
from governance.models import Workflow
Workflow.objects.update(is_active=False)
tag = %(tag)r
admin = user_create(actor=None, email=f"ops-{tag}@example.com", password=%(password)r,
                    roles=["Administrator"])
editor = user_create(actor=None, email=f"ed-{tag}@example.com", password=%(password)r,
                     roles=["Editor"])
live = entry_create(model=Article, actor=admin, data={"title": f"Alpha {tag}"})
entry_publish(entry=live, actor=admin)
draft = entry_create(model=Article, actor=admin, data={"title": f"Beta {tag}"})
locked = entry_create(model=Article, actor=admin, data={"title": f"Locked {tag}"})
every, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.SECONDS)
PeriodicTask.objects.filter(task="content.tasks.publish_scheduled_task").update(
    interval=every, crontab=None
)
browser = Client()
browser.force_login(admin)
print("RESULT=" + json.dumps({
    "draft": draft.pk, "locked": locked.pk, "session": browser.cookies["sessionid"].value,
}))
"""

SCHEDULE = """
import json
from datetime import timedelta
from django.utils import timezone
from accounts.models import User
from content.models import Article
from content.services import entry_create, entry_schedule
admin = User.objects.get(email="ops-%(tag)s@example.com")
item = entry_create(model=Article, actor=admin, data={"title": "Scheduled %(tag)s"})
entry_schedule(entry=item, actor=admin, publish_at=timezone.now() + timedelta(seconds=4))
print("RESULT=" + json.dumps({"id": item.pk}))
"""

PUBLISHED = """
import json
from content.models import Article
from governance.models import AuditEvent
item = Article.objects.get(pk=%(id)d)
print("RESULT=" + json.dumps({
    "status": item.status,
    "audit": AuditEvent.objects.filter(
        action="article.publish", target_id=str(item.pk)
    ).count(),
}))
"""


@dataclass
class Stack:
    a: str  # one gunicorn
    b: str  # the other
    proxy: str  # nginx in front of both
    env: dict[str, str]
    ids: dict
    tag: str
    workers: list[Process]

    def token(self, who: str = "ops") -> dict[str, str]:
        response = requests.post(
            f"{self.a}/api/v1/auth/token/",
            json={"email": f"{who}-{self.tag}@example.com", "password": PASSWORD},
            timeout=30,
        )
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['access']}"}


def _client() -> dict[str, str]:
    """A client of its own (gunicorn trusts X-Forwarded-For from loopback, as from nginx):
    each has its own anonymous budget, and both replicas count it as one."""
    return {"X-Forwarded-For": f"198.51.{secrets.randbelow(256)}.{secrets.randbelow(254) + 1}"}


def _titles(base: str) -> list[str]:
    """The anonymous delivery list, read by a new reader each time: polling must not spend
    the small budget of any one client."""
    response = requests.get(
        f"{base}/api/v1/delivery/articles/?limit=100", headers=_client(), timeout=30
    )
    assert response.status_code == 200, response.text
    return [item["title"] for item in response.json()["results"]]


@pytest.fixture(scope="module")
def stack(migrated_postgres, tmp_path_factory) -> Iterator[Stack]:
    tmp = tmp_path_factory.mktemp("two-replicas")
    tag = secrets.token_hex(4)
    queue = f"folio-ci-{tag}"
    env = production_env(
        tmp,
        DATABASE_URL=migrated_postgres,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        CELERY_TASK_DEFAULT_QUEUE=queue,
        THROTTLE_DELIVERY_ANON_RATE=f"{ANON_RATE}/min",
        FRONTEND_BASE_URL=f"https://{tag}.example.com",  # this run's own response cache keys
        BEAT_LEADER_RETRY_SECONDS="1",
    )
    ids = django_shell(SETUP % {"tag": tag, "password": PASSWORD}, env=env)
    started: list[Process] = []
    try:
        bases = []
        for name in ("a", "b"):
            folder = tmp / name
            folder.mkdir()
            web, base = start_gunicorn(env, folder)
            started.append(web)
            bases.append(base)
        proxy, proxy_base = start_nginx(tmp, bases)
        started.append(proxy)
        workers = []
        for name in ("a", "b"):
            worker = Process(
                f"worker {name}", worker_args(f"--queues={queue}"), env, tmp / f"worker-{name}.log"
            ).start()
            started.append(worker)
            workers.append(worker)
        for worker in workers:
            worker.wait_for_log("ready.")
        beat = Process("beat", celery("beat", "--loglevel=INFO"), env, tmp / "beat.log").start()
        started.append(beat)
        beat.wait_for_log("this beat leads")
        yield Stack(bases[0], bases[1], proxy_base, env, ids, tag, workers)
    finally:
        for proc in reversed(started):
            proc.stop()
        with Connection(BROKER_URL, connect_timeout=5) as conn:
            conn.default_channel.queue_delete(queue)


def test_nginx_spreads_requests_over_both_replicas(stack):
    upstreams = {
        requests.get(f"{stack.proxy}/health/live/", timeout=30).headers["X-Upstream"]
        for _ in range(6)
    }
    assert upstreams == {stack.a.removeprefix("http://"), stack.b.removeprefix("http://")}


def test_a_publish_through_one_is_served_by_the_other_within_the_lease(stack):
    beta = f"Beta {stack.tag}"
    assert beta not in _titles(stack.b)  # b caches it, and trusts its version a while
    published = requests.post(
        f"{stack.a}/api/v1/articles/{stack.ids['draft']}/publish/",
        headers=stack.token(),
        timeout=30,
    )
    assert published.status_code == 200, published.text
    # Each of b's web workers reads the version again once its lease runs out.
    deadline = time.monotonic() + LEASE + 5
    while beta not in _titles(stack.b):
        assert time.monotonic() < deadline, "b still serves the old list past its lease"
        time.sleep(0.1)
    assert beta in _titles(stack.proxy)


def test_the_anonymous_throttle_is_shared_by_both_replicas(stack):
    """The budget is ANON_RATE a minute per client. Counted apart, two replicas taking
    turns would let 2 x ANON_RATE through; shared, the client is refused well before (each
    web worker flushes its count to Redis after a few requests, so a few more may pass
    than the budget: content.delivery.throttling)."""
    client = _client()
    statuses = []
    for n in range(2 * ANON_RATE + 2):
        base = stack.a if n % 2 else stack.b
        response = requests.get(f"{base}/api/v1/delivery/tags/", headers=client, timeout=30)
        statuses.append(response.status_code)
    passed = statuses.count(200)
    assert ANON_RATE <= passed < 2 * ANON_RATE, statuses
    assert statuses[-4:] == [429] * 4, statuses


def test_a_scheduled_publish_happens_exactly_once(stack):
    made = django_shell(SCHEDULE % {"tag": stack.tag}, env=stack.env)
    check = PUBLISHED % {"id": made["id"]}
    deadline = time.monotonic() + 90
    while (state := django_shell(check, env=stack.env))["status"] != "published":
        assert time.monotonic() < deadline, [w.log()[-2000:] for w in stack.workers]
        time.sleep(1)
    # Both workers keep running the scheduler every second meanwhile: still one publish.
    ran = "content.tasks.publish_scheduled_task"
    deadline = time.monotonic() + 60
    while not all(ran in worker.log() for worker in stack.workers):
        assert time.monotonic() < deadline, "a worker never ran the scheduler"
        time.sleep(0.5)
    assert django_shell(check, env=stack.env) == {"status": "published", "audit": 1}
    assert state["audit"] == 1


def _admin(stack: Stack, base: str, method: str, path: str, **kwargs) -> requests.Response:
    """A request of the admin's browser session (the session is in the shared database;
    the cookies go by hand: production marks them Secure, and this is plain HTTP)."""
    csrf = secrets.token_hex(16)  # 32 characters: a CSRF secret Django accepts as such
    headers = {
        "Cookie": f"sessionid={stack.ids['session']}; csrftoken={csrf}",
        "X-CSRFToken": csrf,
        "Referer": f"{base}/admin/",
    }
    return requests.request(
        method, f"{base}{path}", headers=headers, timeout=30, allow_redirects=False, **kwargs
    )


def test_the_edit_lock_and_autosave_work_across_replicas(stack):
    pk = stack.ids["locked"]
    admin_path = f"/admin/content/article/{pk}"
    taken = _admin(stack, stack.a, "POST", f"{admin_path}/lock/")
    assert taken.status_code == 302, taken.text[:2000]  # back to the change form
    assert taken.headers["Location"].endswith(f"{admin_path}/change/")
    # Another editor, through the other replica, is refused while the lock holds.
    refused = requests.patch(
        f"{stack.b}/api/v1/articles/{pk}/",
        json={"title": "Not yours", "version": 1},
        headers=stack.token("ed"),
        timeout=30,
    )
    assert refused.status_code == 423, refused.text

    saved = _admin(
        stack,
        stack.a,
        "POST",
        f"{admin_path}/editing/autosave/",
        json={"data": {"title": f"Typed on a {stack.tag}"}, "base_version": 1},
    )
    assert saved.status_code == 200, saved.text[:2000]
    kept = _admin(stack, stack.b, "GET", f"{admin_path}/editing/autosave/")
    assert kept.status_code == 200, kept.text[:2000]
    assert f"Typed on a {stack.tag}" in kept.text
