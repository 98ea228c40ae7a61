"""django-prometheus' request metrics, counted with less work per request.

Its middleware looks each labelled child up with `labels()` (a lock and a tuple built per
call, about ten times a request); here each child is looked up once per label set and kept.
The label sets are few (methods, status codes, view names), so the map stays small. A
response the delivery lane answered from its cache (content.delivery.lane) is counted under
the view that built it, which the lane has without resolving the URL.
"""

from __future__ import annotations

from django_prometheus import middleware


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

    def _get_view_name(self, request):
        return getattr(request, "view_name", None) or super()._get_view_name(request)
