"""django-prometheus' request metrics, counted with less work per request.

Its middleware looks each labelled child up with `labels()` (a lock and a tuple built per
call, about ten times a request); here each child is looked up once per label set and kept.
The label sets are few (methods, status codes, view names), so the map stays small. A
response the delivery lane answered from its cache (content.delivery.lane) is counted under
the view that built it, which the lane has without resolving the URL. The two headers it
reads come from the environ, not from request.headers (which copies every header, and was
built twice a request), and the transport is worked out once a request, not twice.
"""

from __future__ import annotations

from django_prometheus import middleware
from django_prometheus.utils import Time


class PrometheusBeforeMiddleware(middleware.PrometheusBeforeMiddleware):
    """django-prometheus' own (unlabelled counters: nothing to look up)."""


class PrometheusAfterMiddleware(middleware.PrometheusAfterMiddleware):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._children: dict[tuple, object] = {}

    def label_metric(self, metric, request, response=None, **labels):
        if not labels:
            return metric
        key = (id(metric), *labels.items())
        child = self._children.get(key)
        if child is None:
            child = self._children[key] = metric.labels(**labels)
        return child

    def process_request(self, request):
        metrics, method = self.metrics, self._method(request)
        self.label_metric(metrics.requests_by_method, request, method=method).inc()
        self.label_metric(
            metrics.requests_by_transport, request, transport=self._transport(request)
        ).inc()
        meta = request.META
        if meta.get("HTTP_X_REQUESTED_WITH") == "XMLHttpRequest":
            metrics.requests_ajax.inc()
        metrics.requests_body_bytes.observe(int(meta.get("CONTENT_LENGTH") or 0))
        request.prometheus_after_middleware_event = Time()

    def _transport(self, request):
        transport = getattr(request, "_metrics_transport", None)
        if transport is None:
            transport = request._metrics_transport = super()._transport(request)
        return transport

    def _get_view_name(self, request):
        return getattr(request, "view_name", None) or super()._get_view_name(request)
