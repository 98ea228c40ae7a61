"""Tracing (core.tracing) with the SDK's in-memory exporter: a delivery request is a server
span with its queries as child spans, and log lines name the trace they belong to.

Tracing is set up once for this module and the instrumentations are removed after it, so
the rest of the run is untraced (as a process is by default).
"""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client

from core import tracing

pytestmark = pytest.mark.django_db

otel = pytest.importorskip("opentelemetry.sdk.trace.export.in_memory_span_exporter")


@pytest.fixture(scope="module")
def spans():
    exporter = otel.InMemorySpanExporter()
    assert tracing.setup_tracing("test", exporters=[exporter])
    yield exporter
    for instrumentor in tracing.instrumentors():
        instrumentor.uninstrument()
    tracing._state.update(pid=None, ids=None)


@pytest.fixture
def traced_connection(spans):
    """The test's database connection, opened before tracing began, traced as a new one is
    (the instrumentations wrap `connect`; a process opens its connections after set-up)."""
    connection.ensure_connection()
    raw = connection.connection
    if connection.vendor == "postgresql":
        from opentelemetry.instrumentation.psycopg import PsycopgInstrumentor

        PsycopgInstrumentor.instrument_connection(raw)
        yield
        PsycopgInstrumentor.uninstrument_connection(raw)
    else:
        from opentelemetry.instrumentation.sqlite3 import SQLite3Instrumentor

        connection.connection = SQLite3Instrumentor.instrument_connection(raw)
        yield
        connection.connection = raw
    _flush(spans)
    spans.clear()


def _flush(spans) -> list:
    from opentelemetry import trace

    trace.get_tracer_provider().force_flush()
    return list(spans.get_finished_spans())


def test_a_delivery_request_is_a_server_span_with_its_queries_as_children(
    spans, traced_connection, article
):
    article(title="Traced", published=True)
    _flush(spans)
    spans.clear()  # the set-up's own queries

    response = Client().get("/api/v1/delivery/articles/", HTTP_X_REQUEST_ID="req-traced")

    assert response.status_code == 200
    finished = _flush(spans)
    servers = [s for s in finished if s.kind.name == "SERVER"]
    assert len(servers) == 1, [s.name for s in finished]
    server = servers[0]
    # The instrumentation's default (pre-1.0) HTTP conventions name it http.status_code.
    assert server.attributes["http.status_code"] == 200
    assert server.attributes["http.route"] == "api/v1/delivery/articles/"
    # The database's queries, and Redis's commands when the cache is Redis.
    queries = [s for s in finished if "db.system" in s.attributes]
    assert connection.vendor in {q.attributes["db.system"] for q in queries}, finished
    for query in queries:
        assert query.kind.name == "CLIENT"
        assert query.context.trace_id == server.context.trace_id
        assert query.parent.span_id == server.context.span_id


def test_json_log_lines_carry_the_trace_and_span_ids_beside_the_request_id(spans):
    """What the console handler (LOGGING) writes, inside a span and outside any."""
    from django_guid import set_guid
    from opentelemetry import trace

    (console,) = [h for h in logging.getLogger().handlers if h.get_name() == "console"]
    out = io.StringIO()
    stream = console.setStream(out)
    log = logging.getLogger("folio.test")
    try:
        set_guid("req-traced")
        with trace.get_tracer("tests").start_as_current_span("work") as span:
            log.warning("inside a span")
        log.warning("outside any span")
    finally:
        console.setStream(stream)
        set_guid(None)
    inside, outside = (json.loads(line) for line in out.getvalue().splitlines()[-2:])
    context = span.get_span_context()
    assert inside["request_id"] == "req-traced"
    assert inside["trace_id"] == format(context.trace_id, "032x")
    assert inside["span_id"] == format(context.span_id, "016x")
    assert outside["trace_id"] is None
    assert outside["span_id"] is None


def test_off_by_default_and_nothing_of_opentelemetry_is_imported():
    """A process without OTEL_* variables sets up no tracing: no SDK tracer, no
    instrumentation wraps Django, the database, Redis or Celery (zero cost when off). The
    API package itself may be imported: redis-py (through pybreaker) loads it for its own
    optional metrics."""
    code = (
        "import os, sys, django;"
        "os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings.test';"
        "import config.wsgi;"
        "from django.test import Client;"
        "Client().get('/health/live/');"
        "import logging; logging.getLogger('x').warning('hi');"
        "print(sorted(m for m in sys.modules if m.startswith("
        "('opentelemetry.instrumentation', 'opentelemetry.sdk.trace'))))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert out.stdout.strip().splitlines()[-1] == "[]", out.stderr


ASGI_REQUEST = """
import asyncio, os
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
from asgiref.testing import ApplicationCommunicator
from config.asgi import application
from core.tracing import shutdown_tracing

async def get():
    scope = {"type": "http", "method": "GET", "path": "/health/live/", "query_string": b"",
             "headers": [(b"host", b"testserver")], "http_version": "1.1", "scheme": "http",
             "server": ("testserver", 80), "client": ("127.0.0.1", 5000)}
    app = ApplicationCommunicator(application, scope)
    await app.send_input({"type": "http.request", "body": b""})
    start = await app.receive_output(60)
    await app.receive_output(60)
    print("RESPONSE", start["status"], dict(start["headers"]).get(b"traceresponse", b"").decode())

asyncio.run(get())
shutdown_tracing()
"""


def test_the_asgi_process_traces_its_requests_with_the_console_exporter():
    """config/asgi.py sets tracing up from OTEL_*; a request is a server span whose trace the
    response names (traceresponse)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
    env.update(OTEL_TRACES_EXPORTER="console", OTEL_SERVICE_NAME="folio-test")
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", ASGI_REQUEST],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout.splitlines()
    (response,) = [line.split() for line in out if line.startswith("RESPONSE")]
    assert response[1] == "200"
    trace_id = response[2].split("-")[1]
    spans = [json.loads(line) for line in out if line.startswith('{"name"')]
    (server,) = [s for s in spans if s["kind"] == "SpanKind.SERVER"]
    assert server["name"] == "GET health/live/"
    assert server["context"]["trace_id"] == f"0x{trace_id}"
    assert server["resource"]["attributes"]["folio.process"] == "asgi"
    assert server["resource"]["attributes"]["service.name"] == "folio-test"


@pytest.mark.parametrize(
    ("environ", "on"),
    [
        ({}, False),
        ({"OTEL_TRACES_EXPORTER": "console"}, True),
        ({"OTEL_TRACES_EXPORTER": "none"}, False),
        ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"}, True),
        ({"OTEL_TRACES_EXPORTER": "otlp", "OTEL_SDK_DISABLED": "true"}, False),
    ],
)
def test_the_standard_variables_switch_tracing_on(environ, on):
    assert tracing.tracing_enabled(environ) is on
