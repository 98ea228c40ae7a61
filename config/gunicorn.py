"""gunicorn settings: `gunicorn config.wsgi -c config/gunicorn.py`.

Every value can be changed from the environment (see docs/operations.md). Access logs are
one JSON object per line, carrying the request id that Django echoes as X-Request-ID, so
they join up with the application's own JSON logs.
"""

from __future__ import annotations

import json
import multiprocessing
import os
from datetime import UTC, datetime
from pathlib import Path

from gunicorn.glogging import Logger


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


bind = os.environ.get("GUNICORN_BIND") or f"0.0.0.0:{_int('PORT', 8000)}"
workers = _int("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 8))
threads = _int("GUNICORN_THREADS", 1)
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Recycle workers now and then so a slow leak never grows without bound, and never all at
# once (docs/operations.md, "Worker recycling"; measured with `make bench-soak`). Workers
# start together and share the load evenly, so they reach max_requests together; and while
# one restarts the others take its load and reach theirs sooner, so a restart that takes
# long pulls the next one in. With 1000 ± 100 and the app loaded in each worker (about 1.5 s
# under load), both workers were down at once 4 times in 20 s at 450 requests/s.
# - A limit of 10,000 recycles a worker every 20-60 s at that rate, not every 4 s, and
#   jitter of half the limit spreads the workers' limits apart.
# - Preloading makes a restart a fork (about 50 ms, not 1.5 s), so restarts hardly ever
#   overlap and cannot pull each other in: the measured storm went from 9.3 s with every
#   worker down to 0.07 s. The master loads the app once; each worker still opens its own
#   database and cache connections (when_ready closes any the master opened).
max_requests = _int("GUNICORN_MAX_REQUESTS", 10000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", max_requests // 2)
preload_app = os.environ.get("GUNICORN_PRELOAD", "true").lower() in {"1", "true", "yes", "on"}
# Trust X-Forwarded-* only from our own proxies; core.client_address reads the same list
# for the client address that throttles, lockouts and the audit log use.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Heartbeat files on tmpfs, so a slow disk never gets healthy workers killed.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
# gunicorn's control socket (for `gunicornc`) only where an operator asks for one: the
# default path is under $HOME, which the container's user cannot write.
if os.environ.get("GUNICORN_CONTROL_SOCKET"):
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]
else:
    control_socket_disable = True
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")


class JsonAccessLogger(Logger):
    """Writes each access-log line as JSON with the request id and the duration."""

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
        headers = {name.lower(): value for name, value in resp.headers}
        record = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "level": "INFO",
            "logger": "gunicorn.access",
            "method": environ.get("REQUEST_METHOD"),
            "path": environ.get("PATH_INFO"),
            "query": environ.get("QUERY_STRING") or None,
            "status": int(status),
            "bytes": getattr(resp, "sent", None),
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
            "remote_addr": environ.get("REMOTE_ADDR"),
            "user_agent": environ.get("HTTP_USER_AGENT"),
            "request_id": headers.get("x-request-id"),
        }
        # With tracing on (core.tracing), the W3C `traceresponse` header names the trace.
        if trace := headers.get("traceresponse"):
            record["trace_id"] = trace.split("-")[1] if trace.count("-") == 3 else None
        self.access_log.info(json.dumps(record, ensure_ascii=False))


logger_class = JsonAccessLogger


def on_starting(server):
    """Empty PROMETHEUS_MULTIPROC_DIR: an earlier run's files would add to this one's counts."""
    if folder := os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        for stale in Path(folder).glob("*.db"):
            stale.unlink()


def when_ready(server):
    """With a preloaded app, drop any connection the master opened while loading it, before
    the first fork: a socket shared by two workers would interleave their traffic."""
    if server.cfg.preload_app:
        from django.core.cache import caches
        from django.db import connections

        connections.close_all()
        for cache in caches.all(initialized_only=True):
            cache.close()


def post_fork(server, worker):
    """Tracing in each worker (core.tracing): with a preloaded app the master set it up and
    the SDK restarts its export thread after the fork (this marks the worker as set up);
    otherwise the worker's own wsgi.py sets it up when it loads the app."""
    if server.cfg.preload_app:
        from core.tracing import setup_tracing

        setup_tracing("web")


def worker_exit(server, worker):
    """Send the spans and request counts a worker still holds before it goes
    (max_requests recycles them)."""
    from core.request_metrics import flush
    from core.tracing import shutdown_tracing

    flush()
    shutdown_tracing()


def child_exit(server, worker):
    """With multi-process Prometheus metrics, drop a dead worker's live gauges."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
