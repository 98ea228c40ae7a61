"""The periodic re-check of external links: stale links in current content are fetched again
(SSRF guard, timeouts, bounded per run), and a link that starts failing shows up as a
violation in the stored results of the revisions that use it.

No test reaches the internet: links point at a real HTTP server on 127.0.0.1, which the
SSRF guard lets through only with WEBHOOK_ALLOW_PRIVATE_TARGETS (as in the webhook tests).
"""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from config.celery import app as celery_app
from content import services
from content.models import Article
from governance.models import ExternalLinkCheck, PolicyResult, Workflow
from governance.policies.configuration import policy_create
from governance.policies.evaluation import policies_evaluate
from governance.policies.kinds.links import url_hash
from governance.policies.link_checks import external_links_check, external_links_recheck
from governance.policies.selectors import policy_results_for
from governance.policies.services import PolicyViolationError
from governance.tasks import external_links_recheck_task
from tests.content.factories import ArticleFactory
from tests.loopback import LoopbackServer, QuietHandler

pytestmark = pytest.mark.django_db


class _SiteHandler(QuietHandler):
    def _answer(self):
        site = self.loopback
        site.hits.append(self.path)
        if self.path == "/slow":
            time.sleep(2)
        self.send_response(site.status.get(self.path, 404))
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_HEAD = do_GET = _answer


class Site(LoopbackServer):
    """A loopback HTTP server whose answers the test sets: {path: status}; /slow stalls."""

    def __init__(self):
        self.status: dict[str, int] = {}
        self.hits: list[str] = []
        super().__init__(_SiteHandler)

    def url(self, path: str) -> str:
        return f"{self.base}{path}"


@pytest.fixture
def site(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    with Site() as server:
        yield server


@pytest.fixture
def links_policy():
    return policy_create(
        actor=None, data={"name": "Working links", "kind": "external_links", "params": {}}
    )


def _article(*urls: str, **kwargs) -> Article:
    links = " ".join(f'<a href="{u}">link</a>' for u in urls)
    return ArticleFactory(body=[{"type": "paragraph", "value": {"text": links}}], **kwargs)


def _checked(article: Article) -> Article:
    """Check the article's links as evaluation would (the task, run in-process)."""
    external_links_check(revision_id=article.latest_revision_id)
    return Article.objects.get(pk=article.pk)


def _age(*urls: str, hours: float = 25) -> None:
    ExternalLinkCheck.objects.filter(url_hash__in=[url_hash(u) for u in urls]).update(
        checked_at=timezone.now() - timedelta(hours=hours)
    )


def _result(article: Article) -> PolicyResult:
    return PolicyResult.objects.get(revision=article.latest_revision)


def test_a_link_that_starts_failing_becomes_a_violation(site, links_policy):
    url = site.url("/guide")
    site.status["/guide"] = 200
    article = _checked(_article(url, title="Guide"))
    assert _result(article).passed

    site.status["/guide"] = 404
    _age(url)
    assert external_links_recheck_task.delay().get() == {
        "checked": 1,
        "changed": 1,
        "reevaluated": 1,
    }
    check = ExternalLinkCheck.objects.get(url_hash=url_hash(url))
    assert (check.ok, check.status_code) == (False, 404)
    assert check.checked_at > timezone.now() - timedelta(minutes=1)
    result = _result(article)
    assert not result.passed
    assert result.violations[0]["rule"] == "external_links"
    assert "HTTP 404" in result.violations[0]["message"]
    # What the admin panel and {id}/checks/ read, and what blocks submit.
    assert policy_results_for(article)["status"] == "block"
    with pytest.raises(PolicyViolationError):
        services.entry_submit(entry=article, actor=None)


def test_a_link_that_recovers_clears_the_violation(site, links_policy):
    url = site.url("/back")
    article = _checked(_article(url))
    assert not _result(article).passed
    site.status["/back"] = 200
    _age(url)
    run = external_links_recheck()
    assert (run.checked, run.changed, run.reevaluated) == (1, 1, 1)
    assert _result(article).passed


def test_every_current_revision_using_the_link_is_re_evaluated(site, links_policy):
    url = site.url("/shared")
    site.status["/shared"] = 200
    first = _checked(_article(url, title="First"))
    # A second item with the same link: already fresh, so evaluation only ties it to it.
    second = _article(url, title="Second")
    policies_evaluate(entry=second, revision=second.latest_revision)
    assert second.latest_revision in ExternalLinkCheck.objects.get().revisions.all()
    site.status["/shared"] = 500
    _age(url)
    assert external_links_recheck().reevaluated == 2
    assert not _result(first).passed
    assert not _result(Article.objects.get(pk=second.pk)).passed


def test_a_check_for_one_item_refreshes_the_others_using_the_link(site, links_policy):
    url = site.url("/moved")
    site.status["/moved"] = 200
    first = _checked(_article(url, title="First"))
    second = _checked(_article(url, title="Second"))
    assert _result(second).passed
    site.status["/moved"] = 410
    _age(url)
    third = _checked(_article(url, title="Third"))  # fetches the stale link again
    assert not _result(third).passed
    assert not _result(first).passed
    assert not _result(second).passed


def test_fresh_links_are_not_fetched(site, links_policy):
    site.status["/fresh"] = 200
    _checked(_article(site.url("/fresh")))
    site.hits.clear()
    assert external_links_recheck().checked == 0
    assert site.hits == []


def test_the_age_comes_from_the_setting(site, links_policy, settings):
    url = site.url("/hourly")
    site.status["/hourly"] = 200
    _checked(_article(url))
    _age(url, hours=2)
    assert external_links_recheck().checked == 0  # default: 24 hours
    settings.POLICY_EXTERNAL_LINK_RECHECK_HOURS = 1
    assert external_links_recheck().checked == 1


def test_only_links_in_current_content_are_fetched(site, links_policy):
    old, kept, trashed = site.url("/old"), site.url("/live"), site.url("/trashed")
    for path in ("/old", "/live", "/trashed"):
        site.status[path] = 200
    # A draft edited since: its old link is only in an old revision.
    draft = _checked(_article(old))
    services.entry_update(entry=draft, actor=None, data={"body": []})
    # A published item whose draft dropped the link: the live revision still has it.
    live = _checked(_article(kept))
    services.entry_publish(entry=live, actor=None)
    services.entry_update(entry=Article.objects.get(pk=live.pk), actor=None, data={"body": []})
    gone = _checked(_article(trashed))
    services.entry_trash(entry=gone, actor=None)
    _age(old, kept, trashed)
    site.hits.clear()
    assert external_links_recheck().checked == 1
    assert site.hits == ["/live"]


def test_work_per_run_is_bounded_and_oldest_go_first(site, links_policy, settings):
    urls = [site.url(f"/n{i}") for i in range(3)]
    _checked(_article(*urls))
    for hours, url in zip((30, 50, 40), urls, strict=True):
        _age(url, hours=hours)
    settings.POLICY_EXTERNAL_LINK_RECHECK_BATCH = 2
    site.hits.clear()
    run = external_links_recheck()
    assert (run.checked, run.remaining) == (2, True)
    assert sorted(site.hits) == ["/n1", "/n2"]  # 50 h and 40 h old
    site.hits.clear()
    assert external_links_recheck().checked == 1  # the rest goes next run
    assert site.hits == ["/n0"]
    # A spent time budget starts no fetch; the links stay due.
    _age(*urls)
    run = external_links_recheck(budget=0)
    assert (run.checked, run.remaining) == (0, True)


def test_a_stalled_link_times_out_and_counts_as_broken(site):
    policy_create(
        actor=None,
        data={"name": "Quick links", "kind": "external_links", "params": {"timeout": 0.5}},
    )
    url = site.url("/slow")
    site.status["/slow"] = 200
    ExternalLinkCheck.objects.create(
        url=url, url_hash=url_hash(url), ok=True, status_code=200, checked_at=timezone.now()
    )
    article = _article(url)
    policies_evaluate(entry=article, revision=article.latest_revision)  # ties link and revision
    _age(url)
    started = time.monotonic()
    run = external_links_recheck()
    assert time.monotonic() - started < 2
    assert (run.checked, run.changed) == (1, 1)
    check = ExternalLinkCheck.objects.get(url_hash=url_hash(url))
    assert not check.ok
    assert "timed out" in check.error.lower()


def test_the_ssrf_guard_still_applies(site, links_policy, settings):
    url = site.url("/inside")
    site.status["/inside"] = 200
    article = _checked(_article(url))
    assert _result(article).passed
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    _age(url)
    site.hits.clear()
    assert external_links_recheck().changed == 1
    assert site.hits == []  # nothing was fetched
    check = ExternalLinkCheck.objects.get(url_hash=url_hash(url))
    assert "not allowed" in check.error
    assert not _result(article).passed


def test_without_an_active_links_policy_nothing_is_fetched(site, links_policy):
    site.status["/quiet"] = 200
    _checked(_article(site.url("/quiet")))
    _age(site.url("/quiet"))
    links_policy.is_active = False
    links_policy.save(update_fields=["is_active"])
    site.hits.clear()
    assert external_links_recheck().checked == 0
    assert site.hits == []


def test_a_missing_revision_or_item_is_skipped():
    assert external_links_check(revision_id=10**9) == 0
    assert external_links_recheck().checked == 0  # no policy, no links: a no-op


def test_beat_runs_the_recheck_hourly_and_the_task_is_registered():
    task = PeriodicTask.objects.get(task="governance.tasks.external_links_recheck_task")
    assert task.enabled
    assert (task.interval.every, task.interval.period) == (1, "hours")
    assert task.task in celery_app.tasks


def test_workflows_do_not_matter_to_the_recheck(site, links_policy):
    # The recheck acts as the system on stored results only; it never moves an item.
    Workflow.objects.update(is_active=False)
    url = site.url("/p")
    site.status["/p"] = 200
    article = _checked(_article(url))
    services.entry_publish(entry=article, actor=None)
    site.status["/p"] = 404
    _age(url)
    external_links_recheck()
    article = Article.objects.get(pk=article.pk)
    assert article.status == "published"
    assert article.live_revision_id is not None
