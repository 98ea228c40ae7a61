"""A broker outage loses no work: the writes answer as usual, and every effect happens once
the broker is back (the outbox: outbox.services).

The broker is a private redis-server, stopped for real while gunicorn takes the writes, then
started again on the same port, with a real celery worker.
"""

from __future__ import annotations

import io
import time

import pytest
import requests
from PIL import Image

from tests.integration.conftest import (
    Process,
    bearer,
    django_shell,
    manage,
    production_env,
    read_emails,
    start_gunicorn,
    worker_args,
)
from tests.redis_process import RedisProcess
from tests.waiting import wait_for

pytestmark = pytest.mark.integration
PASSWORD = "pw-for-tests-1"

SETUP = """
import json
from accounts.services import user_create
from content.models import Article, Category
from content.services import entry_create, entry_publish
from content.services.taxonomy import taxonomy_create
admin = user_create(actor=None, email="ops@example.com", password=%(password)r,
                    roles=["Administrator"])
user_create(actor=None, email="sam@example.com", password=%(password)r, roles=["Author"])
tech = taxonomy_create(model=Category, actor=admin, data={"name": "Tech"})
live = entry_create(model=Article, actor=admin, data={"title": "Live one", "category": tech.pk})
entry_publish(entry=live, actor=admin)
draft = entry_create(model=Article, actor=admin, data={"title": "Next one"})
print("RESULT=" + json.dumps({"category": tech.pk, "live": live.slug, "draft": draft.pk}))
"""
STATE = """
import json
from collections import Counter
from content.models import MediaAsset, Rendition
from outbox.models import Job
jobs = Counter((j.task.rsplit(".", 1)[-1], j.status) for j in Job.objects.all())
print("RESULT=" + json.dumps({
    "jobs": {f"{task} {status}": n for (task, status), n in jobs.items()},
    "renditions": Rendition.objects.count(),
    "assets": MediaAsset.objects.count(),
}))
"""
SWEEP = """
import json
from outbox.services import jobs_sweep
print("RESULT=" + json.dumps({"sent": jobs_sweep()}))
"""


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (20, 160, 90)).save(out, format="PNG")
    return out.getvalue()


def test_writes_during_a_broker_outage_answer_normally_and_every_effect_happens_once(
    tmp_path, processes
):
    broker = RedisProcess()
    mail_dir = tmp_path / "mail"
    env = production_env(
        tmp_path,
        CELERY_BROKER_URL=broker.url,
        CELERY_RESULT_BACKEND="",
        EMAIL_URL=f"filemail:///{mail_dir}",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        MEDIA_ROOT=str(tmp_path / "media"),
        OUTBOX_RESEND_SECONDS="1",
    )
    manage("migrate", "--noinput", env=env)
    ids = django_shell(SETUP % {"password": PASSWORD}, env=env)
    web, base = start_gunicorn(env, tmp_path)
    processes.append(web)
    auth = bearer(base, "ops@example.com", PASSWORD)

    broker.close()  # the broker is down from here on
    timings = {}

    def timed(name, method, path, **kwargs):
        started = time.monotonic()
        response = requests.request(method, f"{base}{path}", timeout=60, **kwargs)
        timings[name] = time.monotonic() - started
        return response

    category = timed(
        "category",
        "PATCH",
        f"/api/v1/categories/{ids['category']}/",
        json={"name": "Technology"},
        headers=auth,
    )
    assert category.status_code == 200, category.text
    upload = timed(
        "media", "POST", "/api/v1/media/", files={"file": ("a.png", png())}, headers=auth
    )
    assert upload.status_code == 201, upload.text
    reset = timed(
        "reset", "POST", "/api/v1/auth/password/reset/", json={"email": "sam@example.com"}
    )
    assert reset.status_code == 202, reset.text
    publish = timed("publish", "POST", f"/api/v1/articles/{ids['draft']}/publish/", headers=auth)
    assert publish.status_code == 200, publish.text
    print("answered with the broker down:", {k: f"{v:.2f} s" for k, v in timings.items()})
    assert max(timings.values()) < 5, timings  # it was 6-7 s per publish, and 500s

    pending = django_shell(STATE, env=env)
    assert pending["jobs"] == {
        "snapshots_rebuild_for_references_task pending": 1,
        "rendition_pregenerate_task pending": 1,
        "email_send_task pending": 1,
    }, pending
    assert pending["renditions"] == 0
    # Each process said once that the broker is down, with no traceback per send.
    assert "Celery broker unreachable" in web.log()
    live_url = f"{base}/api/v1/delivery/articles/{ids['live']}/"
    assert requests.get(live_url, timeout=30).json()["category"]["name"] == "Tech"

    broker = RedisProcess(port=broker.port)  # back, empty: every message sent before is gone
    try:
        worker = Process("worker", worker_args(), env, tmp_path / "worker.log").start()
        processes.append(worker)
        worker.wait_for_log("ready.")
        assert django_shell(SWEEP, env=env)["sent"] == 3  # what beat runs every minute

        def category_shown():
            return requests.get(live_url, timeout=30).json()["category"]["name"] == "Technology"

        wait_for(category_shown, "the renamed category in the live article's snapshot")
        wait_for(lambda: read_emails(mail_dir), "the password reset email")
        done = wait_for(
            lambda: (state := django_shell(STATE, env=env))["renditions"] and state,
            "renditions of the upload",
        )
        # Sweeping again sends nothing, and nothing runs twice.
        assert django_shell(SWEEP, env=env)["sent"] == 0
        final = django_shell(STATE, env=env)
        assert final["jobs"] == {
            "snapshots_rebuild_for_references_task done": 1,
            "rendition_pregenerate_task done": 1,
            "email_send_task done": 1,
        }, final
        assert final["renditions"] == done["renditions"]
        emails = read_emails(mail_dir)
        assert len(emails) == 1
        assert "Reset your Folio password" in emails[0]
        assert "To: sam@example.com" in emails[0]
    finally:
        broker.close()


WEBHOOK_SWEEP = """
import json
from governance.webhooks.services import webhook_deliveries_sweep
from governance.models import WebhookDelivery
print("RESULT=" + json.dumps({
    "tried": webhook_deliveries_sweep(),
    "statuses": sorted(WebhookDelivery.objects.values_list("status", flat=True)),
}))
"""


def test_a_publish_during_a_broker_outage_reaches_the_webhook_once_signed(tmp_path, processes):
    """Broker stopped while an article is published: the publish answers, and once the
    broker is back the subscribed receiver gets exactly one delivery, correctly signed."""
    import hashlib
    import hmac

    from tests.loopback import Receiver

    broker = RedisProcess()
    env = production_env(
        tmp_path,
        CELERY_BROKER_URL=broker.url,
        CELERY_RESULT_BACKEND="",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        OUTBOX_RESEND_SECONDS="1",
        WEBHOOK_ALLOW_PRIVATE_TARGETS="true",
    )
    manage("migrate", "--noinput", env=env)
    ids = django_shell(SETUP % {"password": PASSWORD}, env=env)
    web, base = start_gunicorn(env, tmp_path)
    processes.append(web)
    auth = bearer(base, "ops@example.com", PASSWORD)
    with Receiver() as receiver:
        hook = requests.post(
            f"{base}/api/v1/webhooks/",
            json={"name": "site", "url": receiver.url, "events": ["content.published"]},
            headers=auth,
            timeout=30,
        )
        assert hook.status_code == 201, hook.text
        secret = hook.json()["secret"]

        broker.close()  # down from here
        publish = requests.post(
            f"{base}/api/v1/articles/{ids['draft']}/publish/", headers=auth, timeout=60
        )
        assert publish.status_code == 200, publish.text
        assert receiver.requests == []

        broker = RedisProcess(port=broker.port)  # back, and empty
        try:
            worker = Process("worker", worker_args(), env, tmp_path / "worker.log").start()
            processes.append(worker)
            worker.wait_for_log("ready.")
            django_shell(WEBHOOK_SWEEP, env=env)  # what beat runs every minute
            wait_for(lambda: receiver.requests, "the webhook delivery")
            final = wait_for(
                lambda: (
                    (s := django_shell(WEBHOOK_SWEEP, env=env))["statuses"] == ["succeeded"] and s
                ),
                "the delivery marked succeeded",
            )
            assert final["tried"] == 0  # nothing left to send
        finally:
            broker.close()
        assert len(receiver.requests) == 1
        sent = receiver.requests[0]
        # Checked as a receiver would: HMAC-SHA256 over "<timestamp>.<body>" with the secret.
        expected = hmac.new(
            secret.encode(),
            sent.headers["x-folio-timestamp"].encode() + b"." + sent.body,
            hashlib.sha256,
        ).hexdigest()
        assert hmac.compare_digest(sent.headers["x-folio-signature"], f"sha256={expected}")
        assert sent.headers["x-folio-event"] == "content.published"
