"""Webhooks: signed deliveries to a real HTTP receiver, retries, dead-letter, the outbox."""

from __future__ import annotations

import hashlib
import hmac
import json

import kombu.pools
import pytest
from django.db import transaction
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.services import user_create
from config.celery import app as celery_app
from core.http import UnsafeTarget, validate_public_url
from governance.models import DeliveryStatus, WebhookDelivery
from governance.webhooks.services import (
    webhook_create,
    webhook_deliveries_sweep,
    webhook_event_emit,
)
from tests.loopback import Receiver

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-passphrase-42"


@pytest.fixture
def receiver():
    with Receiver() as r:
        yield r


@pytest.fixture
def admin_user():
    return user_create(
        actor=None, email="root@example.com", password=PASSWORD, roles=["Administrator"]
    )


@pytest.fixture
def allow_loopback(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    settings.WEBHOOK_BACKOFF_SECONDS = 0


def _emit(django_capture_on_commit_callbacks, event_type="content.published", **payload):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        return webhook_event_emit(event_type=event_type, payload=payload or {"id": 1})


def test_delivery_is_signed_and_logged(
    receiver, admin_user, allow_loopback, django_capture_on_commit_callbacks
):
    hook = webhook_create(
        actor=admin_user, name="site", url=receiver.url, events=["content.published"]
    )
    _emit(django_capture_on_commit_callbacks, id=42, title="Hello")

    assert len(receiver.requests) == 1
    sent = receiver.requests[0]
    headers = sent.headers
    expected = hmac.new(
        hook.secret.encode(),
        headers["x-folio-timestamp"].encode() + b"." + sent.body,
        hashlib.sha256,
    ).hexdigest()
    assert headers["x-folio-signature"] == f"sha256={expected}"
    assert headers["x-folio-event"] == "content.published"
    body = json.loads(sent.body)
    assert body["type"] == "content.published"
    assert body["data"] == {"id": 42, "title": "Hello"}

    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.SUCCEEDED
    assert delivery.last_status_code == 200
    assert delivery.attempts == 1

    client = APIClient()
    client.force_authenticate(admin_user)
    log = client.get(f"/api/v1/webhooks/{hook.pk}/deliveries/").json()
    assert log["results"][0]["status"] == "succeeded"
    assert log["results"][0]["last_response"] == "thanks"


def test_unsubscribed_events_are_not_sent(
    receiver, admin_user, allow_loopback, django_capture_on_commit_callbacks
):
    webhook_create(actor=admin_user, name="site", url=receiver.url, events=["content.trashed"])
    _emit(django_capture_on_commit_callbacks, event_type="content.published")
    assert receiver.requests == []
    assert not WebhookDelivery.objects.exists()


def test_failures_back_off_then_dead_letter_then_redeliver(
    receiver, admin_user, allow_loopback, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    settings.WEBHOOK_BACKOFF_SECONDS = 60
    receiver.status = 500
    hook = webhook_create(actor=admin_user, name="site", url=receiver.url)
    _emit(django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.attempts == 1
    assert delivery.last_error == "HTTP 500"
    first_wait = delivery.next_attempt_at - delivery.last_attempt_at

    # Nothing is due yet; then let the backoff pass, twice.
    assert webhook_deliveries_sweep() == 0
    WebhookDelivery.objects.update(next_attempt_at=timezone.now())
    webhook_deliveries_sweep()
    delivery.refresh_from_db()
    assert delivery.attempts == 2
    assert delivery.next_attempt_at - delivery.last_attempt_at > first_wait * 1.9  # exponential
    WebhookDelivery.objects.update(next_attempt_at=timezone.now())
    webhook_deliveries_sweep()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DEAD
    assert delivery.attempts == 3
    assert len(receiver.requests) == 3

    receiver.status = 204
    client = APIClient()
    client.force_authenticate(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/v1/webhooks/{hook.pk}/deliveries/{delivery.pk}/redeliver/")
    assert response.status_code == 200
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED
    assert len(receiver.requests) == 4


@pytest.fixture
def broker_down():
    """Point Celery at a real but unreachable broker (nothing listens on port 1)."""
    saved = {
        k: celery_app.conf[k]
        for k in ("task_always_eager", "broker_url", "broker_connection_timeout")
    }
    celery_app.conf.update(
        task_always_eager=False,
        broker_url="amqp://guest:guest@127.0.0.1:1//",
        broker_connection_timeout=1,
    )
    yield
    celery_app.conf.update(saved)
    # Drop the connections made to the dead broker; the app reconnects lazily.
    kombu.pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def test_nothing_is_lost_while_the_broker_is_down(
    receiver, admin_user, allow_loopback, django_capture_on_commit_callbacks, request
):
    webhook_create(actor=admin_user, name="site", url=receiver.url)
    request.getfixturevalue("broker_down")
    _emit(django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING
    assert receiver.requests == []

    # The broker is back: the periodic sweep sends what is pending.
    celery_app.conf.task_always_eager = True
    assert webhook_deliveries_sweep() == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED
    assert len(receiver.requests) == 1


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/hook",
        "http://localhost:8000/",
        "http://10.0.0.5/",
        "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "ftp://example.com/",
        "file:///etc/passwd",
    ],
)
def test_private_and_odd_targets_are_refused(url):
    with pytest.raises(UnsafeTarget):
        validate_public_url(url)


def test_api_refuses_private_targets_and_non_administrators(admin_user):
    client = APIClient()
    client.force_authenticate(admin_user)
    response = client.post("/api/v1/webhooks/", {"name": "x", "url": "http://127.0.0.1:9/"})
    assert response.status_code == 400
    assert "url" in response.json()["error"]["details"]

    editor = user_create(actor=None, email="ed@example.com", password=PASSWORD, roles=["Editor"])
    client.force_authenticate(editor)
    assert client.get("/api/v1/webhooks/").status_code == 403
    assert (
        client.post("/api/v1/webhooks/", {"name": "x", "url": "https://example.com/"}).status_code
        == 403
    )


def test_api_create_returns_secret_once_and_audits(admin_user, allow_loopback):
    from governance.models import AuditEvent

    client = APIClient()
    client.force_authenticate(admin_user)
    created = client.post(
        "/api/v1/webhooks/",
        {"name": "site", "url": "http://127.0.0.1:9/hook", "events": ["content.published"]},
    )
    assert created.status_code == 201
    assert len(created.json()["secret"]) > 30
    listed = client.get("/api/v1/webhooks/").json()["results"][0]
    assert "secret" not in listed
    assert AuditEvent.objects.filter(action="webhook.create").exists()
    bad = client.post(
        "/api/v1/webhooks/", {"name": "x", "url": "https://example.com/", "events": ["nope"]}
    )
    assert bad.status_code == 400


def test_due_time_is_respected(
    receiver, admin_user, allow_loopback, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_BACKOFF_SECONDS = 3600
    receiver.status = 503
    webhook_create(actor=admin_user, name="site", url=receiver.url)
    _emit(django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    assert delivery.next_attempt_at > timezone.now()
    assert webhook_deliveries_sweep() == 0
    assert len(receiver.requests) == 1


def test_publishing_sends_one_signed_event(
    receiver, admin_user, allow_loopback, django_capture_on_commit_callbacks
):
    from content import services
    from tests.content.factories import ArticleFactory

    webhook_create(actor=admin_user, name="site", url=receiver.url)
    article = ArticleFactory(title="Launch day")
    with django_capture_on_commit_callbacks(execute=True):
        services.entry_publish(entry=article, actor=admin_user)
    assert len(receiver.requests) == 1
    body = json.loads(receiver.requests[0].body)
    assert body["type"] == "content.published"
    assert body["data"]["id"] == article.pk
    assert body["data"]["title"] == "Launch day"
    with django_capture_on_commit_callbacks(execute=True):
        services.entry_trash(entry=article, actor=admin_user)
    assert json.loads(receiver.requests[1].body)["type"] == "content.trashed"


def test_publish_while_the_broker_is_down_is_delivered_by_the_sweep(
    receiver, admin_user, allow_loopback, django_capture_on_commit_callbacks, request
):
    from content import services
    from tests.content.factories import ArticleFactory

    webhook_create(actor=admin_user, name="site", url=receiver.url)
    article = ArticleFactory()
    request.getfixturevalue("broker_down")
    with django_capture_on_commit_callbacks(execute=True):
        services.entry_publish(entry=article, actor=admin_user)
    assert receiver.requests == []
    assert WebhookDelivery.objects.get().status == DeliveryStatus.PENDING
    celery_app.conf.task_always_eager = True
    webhook_deliveries_sweep()
    assert json.loads(receiver.requests[0].body)["data"]["id"] == article.pk


def test_a_rolled_back_change_leaves_nothing_in_the_outbox(admin_user, allow_loopback):
    from content import services
    from governance.models import WebhookEvent
    from tests.content.factories import ArticleFactory

    webhook_create(actor=admin_user, name="site", url="http://127.0.0.1:9/")
    article = ArticleFactory()

    def publish_then_fail():
        with transaction.atomic():
            services.entry_publish(entry=article, actor=admin_user)
            raise RuntimeError("the request failed after publishing")

    with pytest.raises(RuntimeError):
        publish_then_fail()
    assert not WebhookEvent.objects.exists()


def test_every_trash_and_restore_is_an_event_live_or_not(
    receiver, admin_user, allow_loopback, django_capture_on_commit_callbacks
):
    from content import services
    from tests.content.factories import ArticleFactory

    events = ["content.trashed", "content.restored", "content.unpublished"]
    webhook_create(actor=admin_user, name="site", url=receiver.url, events=events)
    draft = ArticleFactory(title="Never published")
    with django_capture_on_commit_callbacks(execute=True):
        services.entry_trash(entry=draft, actor=admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        services.entry_restore(entry=draft, actor=admin_user)
    sent = [json.loads(r.body) for r in receiver.requests]
    assert [(b["type"], b["data"]["id"]) for b in sent] == [
        ("content.trashed", draft.pk),
        ("content.restored", draft.pk),
    ]
