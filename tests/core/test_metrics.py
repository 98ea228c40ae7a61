"""/metrics: who may read it (config.metrics), and the metrics an operator alerts on
(core.metrics and the backlog read at scrape time), as Prometheus parses them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from content.models import Article, Category, Status
from content.services.taxonomy import taxonomy_update
from governance.webhooks.services import webhook_create, webhook_event_emit
from outbox.models import Job
from tests.content.factories import ArticleFactory, make_category
from tests.loopback import Receiver

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run a callable and then what it queued with transaction.on_commit (as in production)."""

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


def scrape(client=None, **headers) -> dict[str, list]:
    """The samples of every family /metrics shows, by family name."""
    response = (client or Client()).get("/metrics", **headers)
    assert response.status_code == 200, response.content
    return {
        family.name: family.samples
        for family in text_string_to_metric_families(response.content.decode())
    }


def value(families, name: str, family: str | None = None, **labels) -> float:
    samples = families[family or name]
    found = [s.value for s in samples if s.name == name and s.labels == labels]
    assert len(found) == 1, samples
    return found[0]


# --- Who may read it ---------------------------------------------------------------------


def test_loopback_may_read_metrics_by_default():
    families = scrape()
    assert "django_http_requests_total_by_method" in families


def test_an_address_outside_the_allow_list_is_refused_in_the_error_format(settings):
    settings.METRICS_ALLOWED_IPS = ["10.0.0.0/8"]
    response = Client(REMOTE_ADDR="203.0.113.7").get("/metrics")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert Client(REMOTE_ADDR="10.1.2.3").get("/metrics").status_code == 200


def test_a_client_behind_our_own_proxy_is_judged_by_its_own_address(settings):
    """nginx on loopback must not open /metrics to whoever it forwards."""
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    response = Client().get("/metrics", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert response.status_code == 403


def test_with_a_token_configured_others_are_asked_to_authenticate(settings):
    settings.METRICS_TOKEN = "s3cret-scrape-token"
    settings.METRICS_ALLOWED_IPS = []
    anonymous = Client().get("/metrics")
    assert anonymous.status_code == 401
    assert anonymous["WWW-Authenticate"].startswith("Bearer")
    assert anonymous.json()["error"]["code"] == "not_authenticated"
    wrong = Client().get("/metrics", HTTP_AUTHORIZATION="Bearer nope")
    assert wrong.status_code == 401
    right = Client(REMOTE_ADDR="203.0.113.7").get(
        "/metrics", HTTP_AUTHORIZATION="Bearer s3cret-scrape-token"
    )
    assert right.status_code == 200
    assert b"folio_outbox_pending" in right.content


def test_a_token_is_refused_when_none_is_configured(settings):
    settings.METRICS_ALLOWED_IPS = []
    response = Client().get("/metrics", HTTP_AUTHORIZATION="Bearer anything")
    assert response.status_code == 401


# --- What it shows -----------------------------------------------------------------------


def test_the_delivery_cache_counts_misses_local_hits_and_shared_hits(settings, on_commit):
    on_commit(ArticleFactory, title="Counted", published=True)
    name, family = "folio_delivery_cache_requests_total", "folio_delivery_cache_requests"
    before = scrape()
    path = "/api/v1/delivery/articles/"
    assert Client().get(path).status_code == 200  # built
    assert Client().get(path).status_code == 200  # from this process's tier
    settings.DELIVERY_LOCAL_CACHE_SECONDS = 0
    from content.delivery import local

    local.clear()
    assert Client().get(path).status_code == 200  # from the shared cache
    after = scrape()
    for result in ("miss", "local_hit", "shared_hit"):
        delta = value(after, name, family, result=result) - value(
            before, name, family, result=result
        )
        assert delta == 1, result


def test_outbox_depth_and_age(on_commit):
    before = scrape()
    job = Job.objects.create(task="x.y", due_at=timezone.now())
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=10))
    after = scrape()
    assert value(after, "folio_backlog_scrape_ok") == 1
    depth = value(after, "folio_outbox_pending", outbox="jobs")
    assert depth == value(before, "folio_outbox_pending", outbox="jobs") + 1
    age = value(after, "folio_outbox_oldest_pending_age_seconds", outbox="jobs")
    assert 600 <= age < 3600


def test_scheduled_items_overdue(settings, on_commit):
    item = on_commit(ArticleFactory, title="Late", scheduled=True)
    assert value(scrape(), "folio_scheduled_overdue_items", action="publish") == 0
    Article.objects.filter(pk=item.pk).update(publish_at=timezone.now() - timedelta(minutes=30))
    families = scrape()
    assert Article.objects.get(pk=item.pk).status == Status.SCHEDULED
    assert value(families, "folio_scheduled_overdue_items", action="publish") == 1
    assert value(families, "folio_scheduled_overdue_items", action="expire") == 0
    late = value(families, "folio_scheduled_overdue_oldest_seconds", action="publish")
    assert 1800 <= late < 3600
    # Within the grace period it is not overdue yet: the scheduler runs every minute.
    Article.objects.filter(pk=item.pk).update(publish_at=timezone.now() - timedelta(seconds=30))
    assert value(scrape(), "folio_scheduled_overdue_items", action="publish") == 0


def test_snapshot_rebuild_lag_is_observed_when_a_rename_reaches_delivery(on_commit):
    news = on_commit(make_category, "News")
    on_commit(ArticleFactory, title="Uses it", category=news.pk, published=True)
    name = "folio_snapshot_rebuild_lag_seconds_count"
    before = value(scrape(), name, "folio_snapshot_rebuild_lag_seconds")
    on_commit(taxonomy_update, obj=Category.objects.get(pk=news.pk), actor=None, data={"name": "N"})
    after = scrape()
    assert value(after, name, "folio_snapshot_rebuild_lag_seconds") == before + 1
    # Done already (the worker ran it): no backlog left.
    assert value(after, "folio_snapshot_rebuild_backlog_seconds") == 0


def test_webhook_failures_are_counted_by_host(settings, django_capture_on_commit_callbacks):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    settings.WEBHOOK_BACKOFF_SECONDS = 0
    from accounts.services import user_create

    admin = user_create(
        actor=None, email="ops@example.com", password="pw-x-42-long", roles=["Administrator"]
    )
    with Receiver() as receiver:
        receiver.status = 500
        webhook_create(actor=admin, name="site", url=receiver.url, events=["content.published"])
        name, family = "folio_webhook_delivery_failures_total", "folio_webhook_delivery_failures"
        before = scrape()[family]
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            webhook_event_emit(event_type="content.published", payload={"id": 1})
        assert receiver.requests
    after = scrape()
    counted = value(after, name, family, host="127.0.0.1")
    previous = [s.value for s in before if s.labels == {"host": "127.0.0.1"}]
    assert counted - (previous[0] if previous else 0) == len(receiver.requests)
