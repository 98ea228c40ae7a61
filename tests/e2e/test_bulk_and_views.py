"""Bulk work and saved views in a real browser.

1. An Editor filters the articles by category, ticks "Select all N articles" (the admin's
   select-across: more than a page of them), publishes them all, confirms, and watches
   the progress page (polled by its script) end with the one article a content policy
   blocks, listed with its reason and a link to it.
2. The progress page of a job a worker runs follows it, as its script polls.
3. An Editor saves a filtered list, with fewer columns, as a view shared with the
   Reviewer role; a Reviewer sees it above the list and opens it; a Viewer does not.

Content's rules only here: the review workflow is switched off (publishing then needs
no approval), as an Administrator may; bulk work under a workflow is covered in
tests/governance/test_bulk_governance.py.
"""

from __future__ import annotations

import re

import pytest

from content.models import Article, BulkJob, Status
from content.services.bulk import bulk_job_run
from governance.models import Workflow
from tests.accounts.factories import UserFactory
from tests.content.factories import ArticleFactory, make_category
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.test_editorial_flow import log_in, log_out
from tests.governance.policy_fixtures import banned

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

IN_TRAVEL = 53  # more than a changelist page (50), so "Select all" is the only way


def watch(page) -> list[str]:
    """Record every failed request but the favicon (Django's admin serves none); the
    console's matching "Failed to load resource" lines say no more than this list."""
    failed: list[str] = []
    page.on(
        "response",
        lambda r: (
            failed.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico")
            else None
        ),
    )
    return failed


def browser_errors(page, failed: list[str]) -> list[str]:
    """Script errors and CSP refusals, and failed requests."""
    return [e for e in page.errors if not e.startswith("Failed to load resource")] + failed


def shot(page, name: str) -> None:
    page.screenshot(path=SCREENSHOTS / f"bulk-{name}.png", full_page=True)


def test_bulk_publish_across_a_filter_reports_the_policy_refusal(browser_page):
    page = browser_page
    failed = watch(page)
    Workflow.objects.update(is_active=False)
    UserFactory(role="Editor", email="eve@example.com", full_name="Eve Editor")
    travel, news = make_category("Travel"), make_category("News")
    for n in range(IN_TRAVEL - 1):
        ArticleFactory(title=f"Travel note {n + 1:02d}", category=travel.pk)
    jargon = ArticleFactory(
        title="Coastal synergy",
        category=travel.pk,
        body=[{"type": "paragraph", "value": {"text": "Pure synergy on the coast."}}],
    )
    ArticleFactory(title="Not in Travel", category=news.pk)
    banned(name="Banned terms", terms=("synergy",))

    log_in(page, "eve@example.com")
    page.goto(f"{page.base_url}/admin/content/article/?category__id__exact={travel.pk}")
    page.check("#action-toggle")
    select_all = page.locator(".actions .question a")
    expect(select_all).to_have_text(f"Select all {IN_TRAVEL} articles")
    select_all.click()
    expect(page.locator(".actions .all")).to_contain_text(f"All {IN_TRAVEL} selected")
    page.select_option("select[name=action]", "bulk_publish")
    shot(page, "select-all")
    page.click("button[name=index]")

    count = page.locator(".folio-bulk-count")
    expect(count).to_contain_text(f"{IN_TRAVEL} articles, every one matching this filter")
    shot(page, "confirm")
    page.click("[data-bulk-start]")

    job = page.locator("#bulk-progress")
    expect(job).to_have_attribute("data-polled", "true")  # the script read the endpoint
    expect(job).to_have_attribute("data-finished", "true")
    expect(page.locator("[data-field=done]")).to_have_text(str(IN_TRAVEL))
    expect(page.locator("[data-field=succeeded]")).to_have_text(str(IN_TRAVEL - 1))
    expect(page.locator("[data-field=refused]")).to_have_text("1")
    refusal = page.locator(".folio-bulk-refusals li")
    expect(refusal).to_have_count(1)
    expect(refusal).to_contain_text("blocked by policy “Banned terms”")
    shot(page, "progress")

    refusal.get_by_role("link", name="Article “Coastal synergy”").click()
    expect(page).to_have_url(re.compile(rf"/admin/content/article/{jargon.pk}/change/$"))
    assert Article.objects.filter(status=Status.PUBLISHED).count() == IN_TRAVEL - 1
    assert Article.objects.get(title="Not in Travel").status == Status.DRAFT
    assert not browser_errors(page, failed), browser_errors(page, failed)


def test_a_view_shared_with_a_role_shows_to_its_members(browser_page):
    page = browser_page
    failed = watch(page)
    UserFactory(role="Editor", email="eve@example.com", full_name="Eve Editor")
    UserFactory(role="Reviewer", email="rex@example.com", full_name="Rex Reviewer")
    UserFactory(role="Viewer", email="vic@example.com", full_name="Vic Viewer")
    ArticleFactory(title="A draft to read")
    ArticleFactory(title="Out already", published=True)

    log_in(page, "eve@example.com")
    page.goto(f"{page.base_url}/admin/content/article/?status__exact=draft")
    save = page.locator("details.folio-save-view")
    save.locator("summary").click()
    save.locator("input[name=name]").fill("Drafts to read")
    save.get_by_label("Locale").uncheck()
    save.get_by_label("Reviewer").check()
    shot(page, "view-save")
    save.locator("input[type=submit]").click()
    expect(page.locator("a.folio-view--active")).to_have_text("Drafts to read")
    expect(page.locator("#result_list thead")).not_to_contain_text("Locale")
    shot(page, "view-saved")
    log_out(page)

    log_in(page, "rex@example.com")
    page.goto(f"{page.base_url}/admin/content/article/")
    view = page.locator("a.folio-view", has_text="Drafts to read")
    expect(view).to_contain_text("shared")
    view.click()
    expect(page.locator("a.folio-view--active")).to_contain_text("Drafts to read")
    expect(page.locator("#result_list")).to_contain_text("A draft to read")
    expect(page.locator("#result_list")).not_to_contain_text("Out already")
    expect(page.locator("#result_list thead")).not_to_contain_text("Locale")
    shot(page, "view-shared")
    log_out(page)

    log_in(page, "vic@example.com")
    page.goto(f"{page.base_url}/admin/content/article/")
    expect(page.locator(".folio-views")).to_contain_text("none yet")
    expect(page.locator("a.folio-view")).to_have_count(0)
    assert not browser_errors(page, failed), browser_errors(page, failed)


def test_the_progress_page_follows_a_job_run_by_a_worker(browser_page):
    """A job queued for a worker: the page opens on "Waiting to start", and its script
    shows the run as it happens (here the test is the worker), refusals included."""
    page = browser_page
    failed = watch(page)
    Workflow.objects.update(is_active=False)
    editor = UserFactory(role="Editor", email="eve@example.com", full_name="Eve Editor")
    items = [ArticleFactory(title="Fresh"), ArticleFactory(title="Out already", published=True)]
    job = BulkJob.objects.create(
        actor=editor,
        entry_type="article",
        action="publish",
        item_ids=[a.pk for a in items],
        total=len(items),
    )
    log_in(page, "eve@example.com")
    page.goto(f"{page.base_url}/admin/content/bulkjob/{job.pk}/change/")
    progress = page.locator("#bulk-progress")
    expect(progress).to_have_attribute("data-polled", "true")
    expect(page.locator("[data-field=status]")).to_have_text("Waiting to start…")
    shot(page, "waiting")

    bulk_job_run(job_id=job.pk)

    expect(progress).to_have_attribute("data-finished", "true")
    expect(page.locator("progress")).to_have_attribute("value", "2")
    expect(page.locator("[data-field=succeeded]")).to_have_text("1")
    refusal = page.locator(".folio-bulk-refusals li")
    expect(refusal).to_contain_text("Article “Out already”: This item is already published")
    expect(page.locator(".folio-bulk-refusals-title")).to_be_visible()
    assert not browser_errors(page, failed), browser_errors(page, failed)
