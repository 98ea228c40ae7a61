"""One trace follows a publish end to end, and /metrics adds up every gunicorn worker.

Real processes over real services: gunicorn (two workers, production settings) and a celery
worker over RabbitMQ, in a vhost of this test's own, both with OTEL_TRACES_EXPORTER=console
(one JSON span per line in their output). The publish request's trace id must reach the
webhook receiver (the `traceparent` header of the worker's POST) and name the spans of the
request, the task's publish, the worker's run and the POST.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import subprocess
from pathlib import Path

import pytest
import requests

from tests.integration.conftest import (
    Process,
    bearer,
    django_shell,
    free_port,
    manage,
    production_env,
    start_gunicorn,
    worker_args,
)
from tests.loopback import Receiver
from tests.waiting import wait_for

pytestmark = pytest.mark.integration
PASSWORD = "pw-for-tests-1"
SETUP = """
import json
from accounts.services import user_create
from content.models import Article
from content.models import Category
from content.services import entry_create, entry_publish
from content.services.taxonomy import taxonomy_create
from governance.webhooks.services import webhook_create
admin = user_create(actor=None, email="ops@example.com", password=%(password)r,
                    roles=["Administrator"])
tech = taxonomy_create(model=Category, actor=admin, data={"name": "Tech"})
live = entry_create(model=Article, actor=admin, data={"title": "Live", "category": tech.pk})
entry_publish(entry=live, actor=admin)  # before the webhook exists: no delivery for it
webhook_create(actor=admin, name="site", url=%(url)r, events=["content.published"])
draft = entry_create(model=Article, actor=admin, data={"title": "Traced publish"})
print("RESULT=" + json.dumps({"draft": draft.pk, "category": tech.pk}))
"""
TRACEPARENT = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$")


@pytest.fixture
def vhost():
    """A RabbitMQ vhost of this test's own: no other run's messages, no other run's workers."""
    ctl = shutil.which("rabbitmqctl")
    if ctl is None:
        pytest.fail("rabbitmqctl is needed to give the test its own vhost")
    name = f"folio-trace-{secrets.token_hex(4)}"

    def run(*args):
        subprocess.run([ctl, *args], check=True, capture_output=True, timeout=60)  # noqa: S603

    run("add_vhost", name)
    run("set_permissions", "-p", name, "guest", ".*", ".*", ".*")
    yield f"amqp://guest:guest@127.0.0.1:5672/{name}"
    run("delete_vhost", name)


def spans_in(log: str) -> list[dict]:
    """The console exporter's spans: one JSON object per line."""
    found = []
    for line in log.splitlines():
        if line.startswith('{"name"'):
            found.append(json.loads(line))
    return found


# prefork as production runs it; threads as `make run` does (tracing set up without a fork).
@pytest.mark.parametrize("pool", ["prefork", "threads"])
def test_one_trace_spans_the_publish_request_the_worker_and_the_webhook_post(
    tmp_path, vhost, processes, pool
):
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    env = production_env(
        tmp_path,
        CELERY_BROKER_URL=vhost,
        CELERY_RESULT_BACKEND="",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        WEBHOOK_ALLOW_PRIVATE_TARGETS="true",
        LOG_FORMAT="json",
        OTEL_TRACES_EXPORTER="console",
        OTEL_SERVICE_NAME="folio-ci",
        OTEL_BSP_SCHEDULE_DELAY="200",
        PROMETHEUS_MULTIPROC_DIR=str(metrics_dir),
    )
    manage("migrate", "--noinput", env=env)
    with Receiver() as receiver:
        ids = django_shell(SETUP % {"password": PASSWORD, "url": receiver.url}, env=env)
        worker_metrics = tmp_path / "worker-metrics"
        worker_metrics.mkdir()
        worker_port = free_port()
        worker = Process(
            "celery worker",
            worker_args(f"--pool={pool}"),
            {
                **env,
                "PROMETHEUS_MULTIPROC_DIR": str(worker_metrics),
                "CELERY_WORKER_METRICS_PORT": str(worker_port),
                "CELERY_WORKER_METRICS_ADDR": "127.0.0.1",
            },
            tmp_path / "worker.log",
        ).start()
        processes.append(worker)
        worker.wait_for_log("ready.")
        web, base = start_gunicorn(env, tmp_path)
        processes.append(web)

        auth = bearer(base, "ops@example.com", PASSWORD)
        published = requests.post(
            f"{base}/api/v1/articles/{ids['draft']}/publish/",
            headers={**auth, "X-Request-ID": "trace-publish-1"},
            timeout=60,
        )
        assert published.status_code == 200, published.text
        wait_for(lambda: receiver.requests, "the webhook POST")
        posted = receiver.requests[0]

    # The worker's POST carries the trace on, in the W3C header.
    match = TRACEPARENT.match(posted.headers["traceparent"])
    assert match, posted.headers
    trace_id = match.group(1)

    # Spans are exported in batches: wait until both processes have written theirs.
    def traced(proc: Process) -> list[dict]:
        return [s for s in spans_in(proc.log()) if s["context"]["trace_id"] == f"0x{trace_id}"]

    def complete():
        web_spans, worker_spans = traced(web), traced(worker)
        names = {s["name"] for s in web_spans + worker_spans}
        wanted = any(n.startswith("run/") for n in names) and "POST" in names
        return (web_spans, worker_spans) if wanted and web_spans else None

    web_spans, worker_spans = wait_for(complete, "the trace's spans in both processes' output")
    server = [s for s in web_spans if s["kind"] == "SpanKind.SERVER"]
    assert len(server) == 1, server  # DRF's router names the route by its regex
    assert server[0]["name"] == "POST api/v1/articles/(?P<pk>[^/.]+)/publish/$"
    assert server[0]["parent_id"] is None  # the trace starts at the request
    assert any(s["name"].startswith("apply_async/") for s in web_spans), web_spans
    assert any(s["attributes"].get("db.system") for s in web_spans)  # the transaction's queries
    run = [s for s in worker_spans if s["name"].startswith("run/")]
    assert run
    assert run[0]["name"].endswith("webhook_deliver_task")
    post = [s for s in worker_spans if s["name"] == "POST"]
    assert post
    assert post[0]["kind"] == "SpanKind.CLIENT"
    assert post[0]["context"]["span_id"] == f"0x{match.group(2)}"  # the very request received

    # The JSON logs name the trace beside the request id: the publish's access log line
    # (from the `traceresponse` header) and the worker's log lines of the task it queued.
    def logged(proc: Process) -> list[dict]:
        lines = proc.log().splitlines()
        entries = [json.loads(line) for line in lines if line.startswith('{"time"')]
        return [e for e in entries if e.get("request_id") == "trace-publish-1"]

    access = [e for e in logged(web) if e["logger"] == "gunicorn.access"]
    assert [e["trace_id"] for e in access] == [trace_id], access
    task_lines = [e for e in logged(worker) if "webhook_deliver_task" in e["message"]]
    assert task_lines, worker.log()[-3000:]
    assert {e["trace_id"] for e in task_lines} == {trace_id}, task_lines

    trimmed = [
        {k: s[k] for k in ("name", "kind", "parent_id", "start_time")}
        | {"span_id": s["context"]["span_id"], "service": s["resource"]["attributes"]}
        for s in sorted(web_spans + worker_spans, key=lambda s: s["start_time"])
    ]
    (Path(tmp_path) / "trace.json").write_text(json.dumps(trimmed, indent=1))
    print(f"trace {trace_id}: {len(trimmed)} spans")
    for span in trimmed:
        print(json.dumps(span))

    # /metrics adds up both gunicorn workers: every request so far is counted once.
    for _ in range(6):
        assert requests.get(f"{base}/api/v1/delivery/articles/", timeout=30).status_code == 200
    text = requests.get(f"{base}/metrics", timeout=30).text
    assert len(list(metrics_dir.glob("*.db"))) >= 2  # one file set per worker at least
    # What the worker's tasks count is on the worker's own port: a rename's rebuild lag.
    renamed = requests.patch(
        f"{base}/api/v1/categories/{ids['category']}/",
        json={"name": "Technology"},
        headers=auth,
        timeout=60,
    )
    assert renamed.status_code == 200, renamed.text

    def rebuild_lag_count() -> float:
        text = requests.get(f"http://127.0.0.1:{worker_port}/metrics", timeout=10).text
        found = re.search(r"^folio_snapshot_rebuild_lag_seconds_count ([\d.]+)$", text, re.M)
        return float(found.group(1)) if found else 0

    assert wait_for(rebuild_lag_count, "the worker's rebuild lag metric") == 1
    hits = re.findall(
        r'^folio_delivery_cache_requests_total\{result="(\w+)"\} ([\d.]+)$', text, re.M
    )
    assert sum(float(n) for _, n in hits) == 6, text
