"""django-prometheus' request metrics, the same series, counted for a fraction of the cost.

Per request django-prometheus updates eleven series (seven counters, four histograms), each
update under prometheus_client's lock, and under gunicorn's multi-process mode a write to
a memory-mapped file; it looks each labelled child up on every call, and builds
request.headers (every header) to read two. That was about a quarter of what an anonymous
delivery request cost in middleware. Here a request appends a few records to a queue (a
deque: appending and taking are atomic, so no lock, whatever the threads), and the queue
is added up and handed to prometheus_client (`flush`) at most every FLUSH_SECONDS by the
request that finds it due, by a thread of this process that does the same when requests
stop, when this process serves /metrics (config.metrics), and when it exits. A scrape
can miss at most the last second of another worker's requests.

A response the delivery lane answered from its cache (content.delivery.lane) is counted
under the view that built it (request.view_name), which the lane has without resolving the
URL.
"""

from __future__ import annotations

import atexit
import os
import threading
import time
from bisect import bisect_left
from collections import Counter, deque
from functools import lru_cache

from django.http import HttpResponse
from django.utils.deprecation import MiddlewareMixin
from django_prometheus.middleware import Metrics

FLUSH_SECONDS = 1.0
_METHODS = frozenset(
    ("GET", "HEAD", "POST", "PUT", "DELETE", "TRACE", "OPTIONS", "CONNECT", "PATCH")
)

# A request's records: the kind of event (its counters' labels, `_series`) and the values
# it gives a histogram (metric, labels, value).
_counted: deque[tuple] = deque()
_observed: deque[tuple] = deque()
_due_at = time.monotonic() + FLUSH_SECONDS  # when the next flush is due (one, shared)


def _take(queue: deque) -> list:
    """What the queue holds now; another thread may append meanwhile."""
    taken = []
    try:
        for _ in range(len(queue)):
            taken.append(queue.popleft())
    except IndexError:  # another flush took the rest
        pass
    return taken


def flush() -> None:
    """Hand what requests have recorded to prometheus_client now."""
    global _due_at
    _due_at = time.monotonic() + FLUSH_SECONDS
    for (stage, *labels), times in Counter(_take(_counted)).items():
        for metric, series in _series(stage, *labels):
            (metric.labels(*series) if series else metric).inc(times)
    histograms: dict[tuple, list] = {}
    for metric, labels, value in _take(_observed):
        key = (metric, labels)
        if (found := histograms.get(key)) is None:
            child = metric.labels(*labels) if labels else metric
            found = histograms[key] = [child, 0.0, [0] * len(child._upper_bounds)]
        found[1] += value
        # The first bucket whose upper bound is not below it, as Histogram.observe puts it.
        found[2][bisect_left(found[0]._upper_bounds, value)] += 1
    for child, total, buckets in histograms.values():
        child._sum.inc(total)  # Histogram.observe, for all of them at once
        for index, count in enumerate(buckets):
            if count:
                child._buckets[index].inc(count)


atexit.register(flush)  # config/gunicorn.py's worker_exit calls it too
_flusher_pid: int | None = None


def _start_idle_flusher() -> None:
    """Once a process (gunicorn forks its workers after loading the app)."""
    global _flusher_pid
    if _flusher_pid != os.getpid():
        _flusher_pid = os.getpid()
        threading.Thread(target=_flush_when_quiet, name="request-metrics", daemon=True).start()


def _flush_when_quiet() -> None:
    """What the last requests recorded before the process went quiet."""
    while True:
        time.sleep(FLUSH_SECONDS)
        if time.monotonic() >= _due_at and (_counted or _observed):
            flush()


def _series(stage, *labels):
    """The counters, and their labels, that a request of this kind adds one to."""
    metrics = Metrics.get_instance()
    if stage == "before":  # a request through the whole stack
        return [(metrics.requests_total, ()), (metrics.responses_total, ())]
    if stage == "request":
        method, transport, ajax = labels
        found = [(metrics.requests_by_method, (method,))]
        found.append((metrics.requests_by_transport, (transport,)))
        return [*found, (metrics.requests_ajax, ())] if ajax else found
    if stage == "view":
        view, transport, method = labels
        return [(metrics.requests_by_view_transport_method, (view, transport, method))]
    if stage == "response":
        status, view, method, charset, streaming = labels
        found = [
            (metrics.responses_by_status, (status,)),
            (metrics.responses_by_status_view_method, (status, view, method)),
            (metrics.responses_by_charset, (charset,)),
        ]
        return [*found, (metrics.responses_streaming, ())] if streaming else found
    if stage == "exception":
        name, view = labels
        found = [(metrics.exceptions_by_type, (name,))]
        return [*found, (metrics.exceptions_by_view, (view,))] if view is not None else found
    if stage == "unknown":  # a response whose request this middleware never saw
        return [(metrics.requests_unknown_latency, ())]
    return [(metrics.requests_unknown_latency_before, ())]


@lru_cache(maxsize=64)
def _charset(content_type: str) -> str:
    """The charset label (HttpResponse.charset) of a Content-Type, worked out once."""
    response = HttpResponse(content_type=content_type)
    return str(response.charset)


def _view_name(request) -> str:
    view = getattr(request, "view_name", None)
    if view:
        return view
    match = getattr(request, "resolver_match", None)
    return (match.view_name if match is not None else None) or "<unnamed view>"


def _method(request) -> str:
    return request.method if request.method in _METHODS else "<invalid method>"


def _transport(request) -> str:
    """Worked out once a request (a setting and the environ to read)."""
    transport = getattr(request, "_metrics_transport", None)
    if transport is None:
        transport = request._metrics_transport = "https" if request.is_secure() else "http"
    return transport


class PrometheusBeforeMiddleware(MiddlewareMixin):
    """First: counts every request and times the whole stack."""

    def __init__(self, get_response):
        super().__init__(get_response)
        self.latency = Metrics.get_instance().requests_latency_before

    def process_request(self, request) -> None:
        _start_idle_flusher()
        request.prometheus_before_middleware_event = time.perf_counter()

    def process_response(self, request, response):
        started = getattr(request, "prometheus_before_middleware_event", None)
        if started is None:
            _counted.append(("unknown_before",))
        else:
            _counted.append(("before",))
            _observed.append((self.latency, (), time.perf_counter() - started))
        if time.monotonic() >= _due_at:
            flush()
        return response


class PrometheusAfterMiddleware(MiddlewareMixin):
    """Last: requests by method, transport, view; responses by status, view, size; the
    view's latency."""

    def __init__(self, get_response):
        super().__init__(get_response)
        self.metrics = Metrics.get_instance()

    def process_request(self, request) -> None:
        meta = request.META
        ajax = meta.get("HTTP_X_REQUESTED_WITH") == "XMLHttpRequest"
        _counted.append(("request", _method(request), _transport(request), ajax))
        length = int(meta.get("CONTENT_LENGTH") or 0)
        _observed.append((self.metrics.requests_body_bytes, (), length))
        request.prometheus_after_middleware_event = time.perf_counter()

    def process_view(self, request, view_func, view_args, view_kwargs) -> None:
        _counted.append(("view", _view_name(request), _transport(request), _method(request)))

    def process_template_response(self, request, response):
        if hasattr(response, "template_name"):
            name = str(response.template_name)
            self.metrics.responses_by_templatename.labels(name).inc()  # admin pages: rare
        return response

    def process_response(self, request, response):
        method, view = _method(request), _view_name(request)
        charset = _charset(response.get("Content-Type", ""))
        streaming = response.streaming
        _counted.append(("response", str(response.status_code), view, method, charset, streaming))
        if not streaming:
            _observed.append((self.metrics.responses_body_bytes, (), len(response.content)))
        self._latency(request, view)
        return response

    def process_exception(self, request, exception) -> None:
        view = _view_name(request)
        routed = getattr(request, "resolver_match", None) is not None
        _counted.append(("exception", type(exception).__name__, view if routed else None))
        self._latency(request, view)

    def _latency(self, request, view: str) -> None:
        started = getattr(request, "prometheus_after_middleware_event", None)
        if started is None:
            _counted.append(("unknown",))
        else:
            metric = self.metrics.requests_latency_by_view_method
            value = time.perf_counter() - started
            _observed.append((metric, (view, request.method), value))
