"""A Celery worker's own /metrics (CELERY_WORKER_METRICS_PORT): what its tasks count.

Webhook failures and the snapshot rebuild lag (core.metrics) are counted in the worker's
pool processes, not in the web processes whose /metrics Prometheus already scrapes. The
worker's main process serves them, added up over its pool processes through
PROMETHEUS_MULTIPROC_DIR (a directory of the worker's own, emptied here before the pool
starts). The port is for Prometheus inside the cluster; do not publish it.
"""

from __future__ import annotations

import os
from pathlib import Path

from prometheus_client import CollectorRegistry, multiprocess, start_http_server


def serve_worker_metrics(port: int, address: str) -> None:
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    registry = None
    if folder:
        # Left over from an earlier run: their counters would be added to this one's. This
        # process's own files stay: under the thread and solo pools the tasks count here, in
        # files opened when core.metrics was imported (an unlinked file is never read again).
        own = f"_{os.getpid()}.db"
        for stale in Path(folder).glob("*.db"):
            if not stale.name.endswith(own):
                stale.unlink()
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    start_http_server(port, addr=address, **({"registry": registry} if registry else {}))
