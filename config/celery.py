"""Celery application. Settings come from Django's, under the CELERY_ namespace."""

from __future__ import annotations

import os
from pathlib import Path

from celery import Celery
from celery.signals import (
    worker_init,
    worker_process_init,
    worker_process_shutdown,
    worker_shutdown,
)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("folio")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The embedded broker keeps its queue in folders; make sure they exist for every process.
for folder in (app.conf.broker_transport_options or {}).values():
    if isinstance(folder, str) and folder.startswith("/"):
        Path(folder).mkdir(parents=True, exist_ok=True)


@worker_init.connect(dispatch_uid="folio.tracing")
@worker_process_init.connect(dispatch_uid="folio.tracing")
def _trace_worker_process(**kwargs) -> None:
    """Tracing in the worker (core.tracing): a task's spans join the trace of the request
    that queued it. worker_init covers the thread and solo pools (`make run`'s worker runs
    tasks in threads); worker_process_init each prefork child, after its fork."""
    from core.tracing import setup_tracing

    setup_tracing("worker")


@worker_shutdown.connect(dispatch_uid="folio.tracing")
def _flush_worker_spans_at_exit(**kwargs) -> None:
    from core.tracing import shutdown_tracing

    shutdown_tracing()


@worker_process_shutdown.connect(dispatch_uid="folio.tracing")
def _flush_worker_spans(**kwargs) -> None:
    from core.tracing import shutdown_tracing

    shutdown_tracing()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):  # its live gauges stop counting
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(os.getpid())


@worker_init.connect(dispatch_uid="folio.metrics")
def _serve_worker_metrics(**kwargs) -> None:
    """What tasks count (webhook failures, snapshot rebuild lag: core.metrics) is served by
    the worker itself on CELERY_WORKER_METRICS_PORT, summed over its pool processes."""
    if port := os.environ.get("CELERY_WORKER_METRICS_PORT"):
        from config.worker_metrics import serve_worker_metrics

        serve_worker_metrics(int(port), os.environ.get("CELERY_WORKER_METRICS_ADDR", "0.0.0.0"))  # noqa: S104
