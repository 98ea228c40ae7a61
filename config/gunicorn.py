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
# Recycle workers now and then so a slow leak never grows without bound.
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 100)
# No preload: each worker opens its own database pool after the fork.
preload_app = False
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


def post_fork(server, worker):
    """Tracing in each worker (core.tracing): with a preloaded app the master set it up and
    the SDK restarts its export thread after the fork (this marks the worker as set up);
    otherwise the worker's own wsgi.py sets it up when it loads the app."""
    if server.cfg.preload_app:
        from core.tracing import setup_tracing

        setup_tracing("web")


def worker_exit(server, worker):
    """Send the spans a worker still holds before it goes (max_requests recycles them)."""
    from core.tracing import shutdown_tracing

    shutdown_tracing()


def child_exit(server, worker):
    """With multi-process Prometheus metrics, drop a dead worker's live gauges."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
