"""/metrics: Prometheus's text format, for Prometheus only.

It answers a request that sends `Authorization: Bearer <METRICS_TOKEN>`, or one from an
address in METRICS_ALLOWED_IPS (the client's address as core.client_address resolves it);
anyone else gets 401 (a token is configured: authenticate) or 403, in the error format.

What it shows: django-prometheus's request, database and cache metrics and Folio's own
(core.metrics), added up over every gunicorn worker when PROMETHEUS_MULTIPROC_DIR is set;
and, read from the database at scrape time (`BacklogCollector`), the outbox's depth and
age, overdue schedules and the snapshot rebuild backlog. Those are the same for every
process, so they are computed once per scrape rather than kept per process.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
import time
from datetime import timedelta
from functools import lru_cache

import prometheus_client
from django.conf import settings
from django.db.models import Count, Min
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from prometheus_client import CollectorRegistry, multiprocess
from prometheus_client.core import GaugeMetricFamily

from content.services.scheduling import schedules_overdue
from core import request_metrics
from core.exceptions import error_body
from governance.webhooks.models import DeliveryStatus, WebhookDelivery
from outbox.models import Job, JobStatus

logger = logging.getLogger(__name__)
SNAPSHOT_REBUILD_TASK = "content.delivery.tasks.snapshots_rebuild_for_references_task"


def _age(oldest, now) -> float:
    return max((now - oldest).total_seconds(), 0.0) if oldest is not None else 0.0


class BacklogCollector:
    """Gauges read from the database when Prometheus scrapes: a handful of aggregate
    queries over partial indexes (pending rows only). If the database does not answer,
    the rest of /metrics still does, with `folio_backlog_scrape_ok` at 0."""

    def collect(self):
        ok = GaugeMetricFamily(
            "folio_backlog_scrape_ok", "1 when the backlog gauges below could be read."
        )
        try:
            families = list(self._families())
        except Exception:  # the database is away: say so, and serve the process metrics
            logger.warning("metrics: the backlog gauges could not be read", exc_info=True)
            ok.add_metric([], 0)
            yield ok
            return
        ok.add_metric([], 1)
        yield ok
        yield from families

    def _families(self):
        now = timezone.now()
        depth = GaugeMetricFamily(
            "folio_outbox_pending",
            "Side effects written but not yet done: outbox jobs and webhook deliveries.",
            labels=["outbox"],
        )
        age = GaugeMetricFamily(
            "folio_outbox_oldest_pending_age_seconds",
            "Age of the oldest pending row of each outbox (0 when none is pending).",
            labels=["outbox"],
        )
        jobs = Job.objects.filter(status=JobStatus.PENDING).aggregate(
            n=Count("pk"), oldest=Min("created_at")
        )
        deliveries = WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING).aggregate(
            n=Count("pk"), oldest=Min("created_at")
        )
        for name, row in (("jobs", jobs), ("webhooks", deliveries)):
            depth.add_metric([name], row["n"])
            age.add_metric([name], _age(row["oldest"], now))
        yield depth
        yield age

        rebuild = Job.objects.filter(
            status=JobStatus.PENDING, task=SNAPSHOT_REBUILD_TASK
        ).aggregate(oldest=Min("created_at"))
        yield GaugeMetricFamily(
            "folio_snapshot_rebuild_backlog_seconds",
            "How long the oldest pending snapshot rebuild has waited: delivery shows stale "
            "related data (a renamed category...) for at least this long (0 when none).",
            value=_age(rebuild["oldest"], now),
        )

        grace = settings.METRICS_SCHEDULE_GRACE_SECONDS
        overdue = schedules_overdue(before=now - timedelta(seconds=grace))
        items = GaugeMetricFamily(
            "folio_scheduled_overdue_items",
            f"Scheduled publishes/expiries still waiting more than {grace} s after they "
            "were due (the scheduler is not running, or it fails on them).",
            labels=["action"],
        )
        oldest = GaugeMetricFamily(
            "folio_scheduled_overdue_oldest_seconds",
            "How long past due the oldest overdue scheduled action is (0 when none).",
            labels=["action"],
        )
        for action, (count, due) in overdue.items():
            items.add_metric([action], count)
            oldest.add_metric([action], _age(due, now))
        yield items
        yield oldest


_backlog = CollectorRegistry(auto_describe=False)
_backlog.register(BacklogCollector())


@lru_cache(maxsize=4)
def _networks(allowed: tuple[str, ...]):
    return tuple(ipaddress.ip_network(cidr, strict=False) for cidr in allowed)


def _address_allowed(address: str | None) -> bool:
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _networks(tuple(settings.METRICS_ALLOWED_IPS)))


def _refusal(request) -> JsonResponse | None:
    """None when the request may read /metrics, else the 401/403 to answer."""
    token = settings.METRICS_TOKEN
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header:
        scheme, _, presented = header.partition(" ")
        if token and scheme.lower() == "bearer" and hmac.compare_digest(presented, token):
            return None
        return _refuse(401, "not_authenticated", "The metrics token is not valid.")
    # REMOTE_ADDR is the client's, resolved by core.client_address.ClientAddressMiddleware.
    if _address_allowed(request.META.get("REMOTE_ADDR")):
        return None
    if token:
        return _refuse(401, "not_authenticated", "Send the metrics token as a Bearer token.")
    return _refuse(403, "permission_denied", "Metrics are not served to this address.")


def _refuse(status: int, code: str, message: str) -> JsonResponse:
    response = JsonResponse(error_body(code, message), status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
    return response


def _process_registry():
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return prometheus_client.REGISTRY


@csrf_exempt
def metrics_view(request):
    """The process (or every worker's) metrics, then the backlog read from the database."""
    if (refused := _refusal(request)) is not None:
        return refused
    started = time.monotonic()
    request_metrics.flush()  # what requests recorded since the last flush
    body = prometheus_client.generate_latest(_process_registry())
    body += prometheus_client.generate_latest(_backlog)
    logger.debug("metrics rendered in %.3f s", time.monotonic() - started)
    return HttpResponse(body, content_type=prometheus_client.CONTENT_TYPE_LATEST)
