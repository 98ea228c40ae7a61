"""OpenTelemetry tracing, off unless the standard `OTEL_*` variables turn it on.

On when `OTEL_TRACES_EXPORTER` names an exporter (`console`, `otlp`) or an OTLP endpoint is
set (`OTEL_EXPORTER_OTLP_ENDPOINT` / `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`); off when
`OTEL_SDK_DISABLED=true` or the exporter is `none`. When off, nothing here imports
OpenTelemetry: the hot path pays one dict lookup in the log filter (`current_ids`).

Each process sets it up once, after any fork (a BatchSpanProcessor's thread does not survive
one): the WSGI module (gunicorn loads it in each worker), gunicorn's `post_fork` for a
preloaded app, the ASGI module, and Celery's `worker_init` (thread and solo pools) and
`worker_process_init` (each prefork child). The instrumentations
(Django, psycopg, SQLite, Redis, Celery, urllib3) carry the trace context across the broker
and into outbound webhook requests (a `traceparent` header), so one trace follows a publish
from the request to the worker's POST (docs/operations.md, "Tracing").
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from typing import Any

logger = logging.getLogger(__name__)

# The pid that set tracing up (None: not set up) and, once on, the reader of the current span.
_state: dict[str, Any] = {"pid": None, "ids": None}


def _exporter_names(environ) -> list[str]:
    names = [
        name.strip().lower()
        for name in environ.get("OTEL_TRACES_EXPORTER", "").split(",")
        if name.strip()
    ]
    endpoints = ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
    if not names and any(environ.get(name) for name in endpoints):
        names = ["otlp"]
    return [name for name in names if name != "none"]


def tracing_enabled(environ=os.environ) -> bool:
    """Whether the environment asks for traces (read without importing OpenTelemetry)."""
    if environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return False
    return bool(_exporter_names(environ))


def _one_line(span) -> str:
    # One JSON object per line (the SDK's default is indented): greppable next to the logs.
    return span.to_json(indent=None) + os.linesep


def _exporters(names: list[str]) -> list[Any]:
    from opentelemetry.sdk.trace.export import ConsoleSpanExporter

    exporters: list[Any] = []
    for name in names:
        if name == "console":
            exporters.append(ConsoleSpanExporter(out=sys.stdout, formatter=_one_line))
        elif name in ("otlp", "otlp_proto_http"):
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

            exporters.append(OTLPSpanExporter())  # endpoint, headers: OTEL_EXPORTER_OTLP_*
        else:
            logger.warning("OTEL_TRACES_EXPORTER: unknown exporter %r ignored", name)
    return exporters


def instrumentors() -> tuple:
    """One instrumentor per library Folio traces (imported only when tracing is on)."""
    from opentelemetry.instrumentation.celery import CeleryInstrumentor
    from opentelemetry.instrumentation.django import DjangoInstrumentor
    from opentelemetry.instrumentation.psycopg import PsycopgInstrumentor
    from opentelemetry.instrumentation.redis import RedisInstrumentor
    from opentelemetry.instrumentation.sqlite3 import SQLite3Instrumentor
    from opentelemetry.instrumentation.urllib3 import URLLib3Instrumentor

    return (
        DjangoInstrumentor(),
        PsycopgInstrumentor(),
        SQLite3Instrumentor(),
        RedisInstrumentor(),
        CeleryInstrumentor(),
        URLLib3Instrumentor(),
    )


def _instrument() -> None:
    """Patch the libraries once per interpreter (the patches survive a fork)."""
    os.environ.setdefault("OTEL_PYTHON_DJANGO_MIDDLEWARE_POSITION", str(_django_position()))
    for instrumentor in instrumentors():
        if not instrumentor.is_instrumented_by_opentelemetry:
            instrumentor.instrument()


def _django_position() -> int:
    """Where Django's instrumentation goes in MIDDLEWARE: just below the delivery lane
    (content.delivery.lane), whose own stack takes it too, so each request meets it once,
    in the stack that resolves its URL (the span's http.route). A cache hit the lane
    answers has a span without a route; the metrics count it under its view."""
    from django.conf import settings

    names = list(settings.MIDDLEWARE)
    lane = "content.delivery.lane.DeliveryLaneMiddleware"
    return names.index(lane) + 1 if lane in names else 0


def setup_tracing(role: str, *, exporters: list[Any] | None = None) -> bool:
    """Turn tracing on for this process (`role`: web, asgi, worker) if the environment asks
    for it, or with `exporters` given (tests). Idempotent; True when tracing is on."""
    if exporters is None and not tracing_enabled():
        return False
    if _state["pid"] == os.getpid():
        return True
    from opentelemetry import trace
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    if _state["pid"] is None:
        attributes = {"folio.process": role}
        if not os.environ.get("OTEL_SERVICE_NAME"):
            attributes["service.name"] = "folio"
        # The sampler comes from OTEL_TRACES_SAMPLER / _ARG, as the SDK reads them.
        provider = TracerProvider(resource=Resource.create(attributes))
        for exporter in _exporters(_exporter_names(os.environ)) if exporters is None else exporters:
            provider.add_span_processor(BatchSpanProcessor(exporter))
        trace.set_tracer_provider(provider)
        _instrument()
        # Responses name their trace (`traceresponse`): gunicorn's access log shows it, and a
        # client reporting a problem can quote it.
        from opentelemetry.instrumentation.propagators import (
            TraceResponsePropagator,
            set_global_response_propagator,
        )

        set_global_response_propagator(TraceResponsePropagator())
    # else: a fork of a process that set it up; the SDK restarts its export thread itself.
    _state.update(pid=os.getpid(), ids=_span_ids(trace.get_current_span))
    return True


def _span_ids(get_current_span: Callable[[], Any]) -> Callable[[], tuple[str, str] | None]:
    def ids() -> tuple[str, str] | None:
        context = get_current_span().get_span_context()
        if not context.is_valid:
            return None
        return format(context.trace_id, "032x"), format(context.span_id, "016x")

    return ids


def current_ids() -> tuple[str, str] | None:
    """(trace id, span id) of the active span, hex as in the exporters; None when off."""
    ids = _state["ids"]
    return ids() if ids is not None else None


def in_current_trace(function: Callable[..., Any]) -> Callable[..., Any]:
    """`function`, to run in another thread as part of the current trace (a thread pool does
    not carry context along); `function` itself when tracing is off."""
    if _state["ids"] is None:
        return function
    from opentelemetry import context

    current = context.get_current()

    def run(*args: Any, **kwargs: Any) -> Any:
        token = context.attach(current)
        try:
            return function(*args, **kwargs)
        finally:
            context.detach(token)

    return run


def shutdown_tracing() -> None:
    """Flush the spans still queued (a process about to exit)."""
    if _state["ids"] is None:
        return
    from opentelemetry import trace

    provider = trace.get_tracer_provider()
    if hasattr(provider, "shutdown"):
        provider.shutdown()
