"""django-prometheus' request metrics, the same series, counted for a fraction of the cost.

Per request django-prometheus updates eleven series (seven counters, four histograms), each
update under prometheus_client's lock, and under gunicorn's multi-process mode a write to
a memory-mapped file; it looks each labelled child up on every call, and builds
request.headers (every header) to read two. That was about a quarter of what an anonymous
delivery request cost in middleware. Here a request adds to plain numbers this thread
keeps (`_Tally`, one per series child), and they are handed to prometheus_client together
at most every FLUSH_SECONDS, when this process serves /metrics (config.metrics), and when
it exits. A scrape can miss at most the last second of another worker's requests.

A response the delivery lane answered from its cache (content.delivery.lane) is counted
under the view that built it (request.view_name), which the lane has without resolving the
URL.
"""

from __future__ import annotations

import atexit
import threading
import time
from bisect import bisect_left
from functools import lru_cache

from django.http import HttpResponse
from django.utils.deprecation import MiddlewareMixin
from django_prometheus.middleware import Metrics

FLUSH_SECONDS = 1.0
_METHODS = frozenset(
    ("GET", "HEAD", "POST", "PUT", "DELETE", "TRACE", "OPTIONS", "CONNECT", "PATCH")
)


class _Histogram:
    """One histogram child's observations since the last flush: a count per bucket and the
    sum. A value goes in the first bucket whose upper bound is not below it, as
    prometheus_client's Histogram.observe puts it."""

    __slots__ = ("bounds", "buckets", "child", "sum")

    def __init__(self, child):
        self.child, self.sum, self.bounds = child, 0.0, child._upper_bounds
        self.buckets = [0] * len(self.bounds)

    def observe(self, value: float) -> None:
        self.sum += value
        self.buckets[bisect_left(self.bounds, value)] += 1

    def flush(self) -> None:
        if any(self.buckets):  # Histogram.observe, for all of them at once
            self.child._sum.inc(self.sum)
            for index, count in enumerate(self.buckets):
                if count:
                    self.child._buckets[index].inc(count)
            self.sum, self.buckets = 0.0, [0] * len(self.bounds)


class _Tallies(threading.local):
    """This thread's counts since the last flush; no lock on the request path. A request
    adds one to the count of its kind (`counts`: the labels it would give each counter)
    and its values to the histograms; the counters are worked out from the kinds when
    they are flushed."""

    def __init__(self):
        self.counts: dict[tuple, int] = {}
        self.histograms: dict[tuple, _Histogram] = {}
        self.flush_at = time.monotonic() + FLUSH_SECONDS
        with _every_lock:
            _every.append(self)

    def count(self, kind: tuple) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + 1

    def observe(self, metric, value: float, *labels: str) -> None:
        key = (metric, *labels)
        histogram = self.histograms.get(key)
        if histogram is None:
            child = metric.labels(*labels) if labels else metric
            histogram = self.histograms[key] = _Histogram(child)
        histogram.observe(value)

    def flush(self) -> None:
        counts, self.counts = self.counts, {}
        for kind, times in counts.items():
            for metric, labels in _series(*kind):
                (metric.labels(*labels) if labels else metric).inc(times)
        for histogram in list(self.histograms.values()):
            histogram.flush()
        self.flush_at = time.monotonic() + FLUSH_SECONDS


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
        ]
        found.append((metrics.responses_by_charset, (charset,)))
        return [*found, (metrics.responses_streaming, ())] if streaming else found
    if stage == "exception":
        name, view = labels
        found = [(metrics.exceptions_by_type, (name,))]
        return [*found, (metrics.exceptions_by_view, (view,))] if view is not None else found
    if stage == "unknown":  # a response whose request this middleware never saw
        return [(metrics.requests_unknown_latency, ())]
    return [(metrics.requests_unknown_latency_before, ())]


_every: list[_Tallies] = []
_every_lock = threading.Lock()
_tallies = _Tallies()


def flush() -> None:
    """Hand this thread's counts to prometheus_client now (before reading them here)."""
    _tallies.flush()


@atexit.register
def flush_all() -> None:
    """Every thread's counts: at exit (config/gunicorn.py's worker_exit too)."""
    with _every_lock:
        for tallies in _every:
            tallies.flush()


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

    def process_request(self, request) -> None:
        request.prometheus_before_middleware_event = time.perf_counter()

    def process_response(self, request, response):
        started = getattr(request, "prometheus_before_middleware_event", None)
        if started is None:
            _tallies.count(("unknown_before",))
        else:
            _tallies.count(("before",))
            metric = Metrics.get_instance().requests_latency_before
            _tallies.observe(metric, time.perf_counter() - started)
        if time.monotonic() >= _tallies.flush_at:
            _tallies.flush()
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
        _tallies.count(("request", _method(request), _transport(request), ajax))
        length = int(meta.get("CONTENT_LENGTH") or 0)
        _tallies.observe(self.metrics.requests_body_bytes, length)
        request.prometheus_after_middleware_event = time.perf_counter()

    def process_view(self, request, view_func, view_args, view_kwargs) -> None:
        _tallies.count(("view", _view_name(request), _transport(request), _method(request)))

    def process_template_response(self, request, response):
        if hasattr(response, "template_name"):
            name = str(response.template_name)
            self.metrics.responses_by_templatename.labels(name).inc()  # admin pages: rare
        return response

    def process_response(self, request, response):
        method, view = _method(request), _view_name(request)
        charset = _charset(response.get("Content-Type", ""))
        streaming = response.streaming
        kind = ("response", str(response.status_code), view, method, charset, streaming)
        _tallies.count(kind)
        if not streaming:
            _tallies.observe(self.metrics.responses_body_bytes, len(response.content))
        self._latency(request, view)
        return response

    def process_exception(self, request, exception) -> None:
        view = _view_name(request)
        routed = getattr(request, "resolver_match", None) is not None
        _tallies.count(("exception", type(exception).__name__, view if routed else None))
        self._latency(request, view)

    def _latency(self, request, view: str) -> None:
        started = getattr(request, "prometheus_after_middleware_event", None)
        if started is None:
            _tallies.count(("unknown",))
        else:
            metric = self.metrics.requests_latency_by_view_method
            _tallies.observe(metric, time.perf_counter() - started, view, request.method)
