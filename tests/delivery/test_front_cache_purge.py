"""Folio purges the front cache (FRONT_CACHE_PURGE_URLS) after a publish, an unpublish or a
takedown commits: one outbox job per change, a `PURGE /` with `xkey-purge: <keys>` to each
front cache, retried while one is down. The front caches here are loopback HTTP servers
that record the purges (tests/integration/test_front_cache.py purges a real Varnish)."""

from __future__ import annotations

import pytest

from content import services
from content.delivery.front_cache import MAX_KEY_HEADER, PurgeFailed, _batches, front_cache_purge
from core import breakers
from outbox.models import Job, JobStatus
from outbox.services import job_run
from tests.loopback import LoopbackServer, QuietHandler

pytestmark = pytest.mark.django_db
TASK = "content.delivery.tasks.front_cache_purge_task"


class _Handler(QuietHandler):
    def do_PURGE(self):
        self.loopback.purges.append((self.path, self.headers.get("xkey-purge")))
        self.send_response(self.loopback.status)
        self.end_headers()


class FrontCache(LoopbackServer):
    """Keeps each purge as (path, xkey-purge) and answers `status`."""

    def __init__(self):
        self.purges: list[tuple[str, str | None]] = []
        self.status = 200
        super().__init__(_Handler)


@pytest.fixture
def caches(settings):
    breakers.reset_all()
    with FrontCache() as one, FrontCache() as two:
        settings.FRONT_CACHE_PURGE_URLS = [one.base, two.base + "/"]
        yield one, two
    breakers.reset_all()


def test_nothing_is_purged_without_a_front_cache(article):
    entry = article(title="Hello", published=True)
    assert entry.pk
    assert not Job.objects.filter(task=TASK).exists()


def test_a_publish_purges_the_type_and_the_item_from_every_front_cache(article, caches):
    entry = article(title="Hello", published=True)
    for cache in caches:
        assert cache.purges == [("/", f"article article-{entry.pk}")]
    job = Job.objects.get(task=TASK)
    assert job.status == JobStatus.DONE


def test_an_unpublish_purges_again(article, caches, on_commit):
    entry = article(title="Hello", published=True)
    on_commit(services.entry_unpublish, entry=entry, actor=None)
    for cache in caches:
        assert cache.purges == [("/", f"article article-{entry.pk}")] * 2


def test_a_draft_saved_on_a_live_item_purges_nothing(article, caches, on_commit):
    entry = article(title="Hello", published=True)
    on_commit(services.entry_update, entry=entry, actor=None, data={"title": "Draft title"})
    assert caches[0].purges == [("/", f"article article-{entry.pk}")]


def test_a_front_cache_that_refuses_fails_no_publish_and_is_retried(article, caches, api_client):
    one, two = caches
    one.status = 403  # its ACL does not list this worker
    entry = article(title="Hello", published=True)
    # Published and served all the same; the purge job waits for its retry.
    assert api_client.get("/api/v1/delivery/articles/").json()["results"][0]["id"] == entry.pk
    job = Job.objects.get(task=TASK)
    assert job.status == JobStatus.PENDING
    assert "HTTP 403" in job.last_error
    assert two.purges == [("/", f"article article-{entry.pk}")]  # the other was purged

    one.status = 200  # the ACL fixed
    assert job_run(job_id=job.pk) == "done"
    assert one.purges[-1] == ("/", f"article article-{entry.pk}")


def test_a_front_cache_that_is_down_opens_its_breaker(caches, settings):
    settings.CIRCUIT_BREAKER_FAIL_MAX = 2
    breakers.reset_all()
    down = FrontCache()
    down.close()
    settings.FRONT_CACHE_PURGE_URLS = [down.base]
    errors = []
    for _ in range(3):
        with pytest.raises(PurgeFailed) as failed:
            front_cache_purge(keys=["article"])
        errors.append(str(failed.value))
    assert "Connection refused" in errors[0]
    assert breakers.is_open("front-cache:127.0.0.1")
    assert "CircuitBreakerError" in errors[2]  # not tried while the breaker is open


def test_many_keys_go_out_in_several_purges(caches):
    keys = [f"article-{n}" for n in range(2000)]
    assert front_cache_purge(keys=keys) == 2
    sent = [header for _, header in caches[0].purges]
    assert len(sent) > 1
    assert all(len(header) <= MAX_KEY_HEADER for header in sent)
    assert " ".join(sent).split() == keys


def test_batches_of_nothing_are_nothing():
    assert _batches([]) == []
