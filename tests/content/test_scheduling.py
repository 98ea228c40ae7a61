"""Scheduled publishing and expiry: on time, caught up after downtime, exactly once."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from accounts.audit import audit_requested
from content import services
from content.models import Article, Status
from content.tasks import publish_scheduled_task
from tests.content.factories import ArticleFactory, PageFactory


def _make_due(entry, *, minutes_ago: int = 1):
    """Schedule for the future (as a user would), then let the clock pass it."""
    services.entry_schedule(
        entry=entry, actor=None, publish_at=timezone.now() + timedelta(minutes=5)
    )
    type(entry).objects.filter(pk=entry.pk).update(
        publish_at=timezone.now() - timedelta(minutes=minutes_ago)
    )


@pytest.mark.django_db
def test_due_items_are_published_and_future_ones_wait():
    due, later = ArticleFactory(), ArticleFactory(scheduled=True)
    page = PageFactory()
    _make_due(due)
    _make_due(page)
    run = services.publish_scheduled()
    assert sorted(run.published) == sorted([("article", due.pk), ("page", page.pk)])
    due.refresh_from_db()
    later.refresh_from_db()
    assert due.status == Status.PUBLISHED
    assert due.live_revision_id
    assert due.publish_at is None
    assert later.status == Status.SCHEDULED
    assert services.publish_scheduled().published == []  # nothing twice


@pytest.mark.django_db
def test_expired_items_go_offline():
    article = ArticleFactory(published=True)
    services.entry_schedule(
        entry=article, actor=None, publish_at=None, expire_at=timezone.now() + timedelta(hours=1)
    )
    Article.objects.filter(pk=article.pk).update(expire_at=timezone.now() - timedelta(seconds=1))
    run = services.publish_scheduled()
    assert run.expired == [("article", article.pk)]
    article.refresh_from_db()
    assert article.status == Status.DRAFT
    assert article.live_revision is None


@pytest.mark.django_db
def test_missed_schedule_is_caught_up_and_logged(caplog):
    article = ArticleFactory()
    _make_due(article, minutes_ago=90)
    with caplog.at_level(logging.WARNING, logger="content.services.scheduling"):
        run = services.publish_scheduled()
    assert run.caught_up == [("article", article.pk)]
    assert "Caught up a missed publish" in caplog.text


@pytest.mark.django_db
def test_window_passed_entirely_never_goes_live():
    article = ArticleFactory()
    services.entry_schedule(
        entry=article,
        actor=None,
        publish_at=timezone.now() + timedelta(minutes=1),
        expire_at=timezone.now() + timedelta(minutes=2),
    )
    Article.objects.filter(pk=article.pk).update(
        publish_at=timezone.now() - timedelta(hours=2),
        expire_at=timezone.now() - timedelta(hours=1),
    )
    run = services.publish_scheduled()
    assert run.published == []
    assert len(run.refused) == 1
    article.refresh_from_db()
    assert article.live_revision is None
    assert article.status == Status.DRAFT


@pytest.mark.django_db
def test_pending_changes_of_published_item_go_live_on_schedule(editor):
    article = ArticleFactory(published=True, title="Before")
    services.entry_update(entry=article, actor=editor, data={"title": "After"})
    _make_due(Article.objects.get(pk=article.pk))
    assert Article.objects.get(pk=article.pk).status == Status.PUBLISHED
    services.publish_scheduled()
    article.refresh_from_db()
    assert article.live_revision.snapshot["title"] == "After"


@pytest.mark.django_db
def test_command_and_task_do_the_same_work(capsys):
    first, second = ArticleFactory(), ArticleFactory()
    _make_due(first)
    call_command("publish_scheduled")
    assert "Published 1" in capsys.readouterr().out
    _make_due(second)
    assert publish_scheduled_task.delay().get() == {
        "published": 1,
        "expired": 0,
        "releases_published": 0,
        "releases_failed": 0,
    }


@pytest.mark.django_db
def test_beat_runs_the_task_every_minute():
    task = PeriodicTask.objects.get(task="content.tasks.publish_scheduled_task")
    assert task.enabled
    assert (task.interval.every, task.interval.period) == (1, "minutes")


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True)
def test_racing_schedulers_publish_each_item_exactly_once():
    items = [ArticleFactory() for _ in range(30)]
    for item in items:
        _make_due(item)
    events: list[int] = []
    lock = threading.Lock()

    def record(sender, *, action, target, **kwargs):
        if action == "article.publish":
            with lock:
                events.append(target.pk)

    audit_requested.connect(record, dispatch_uid="test-race", weak=False)
    barrier = threading.Barrier(3)
    runs, errors = [], []

    def worker():
        try:
            barrier.wait()
            runs.append(services.publish_scheduled())
        except Exception as exc:  # surfaced by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        audit_requested.disconnect(dispatch_uid="test-race")
    assert not errors
    published = [pk for run in runs for _, pk in run.published]
    assert sorted(published) == sorted(item.pk for item in items)  # each once, none twice
    assert sorted(events) == sorted(item.pk for item in items)
    assert Article.objects.filter(status=Status.PUBLISHED).count() == len(items)
    for item in Article.objects.all():
        assert item.live_revision.number == 1
