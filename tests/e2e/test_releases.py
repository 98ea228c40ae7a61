"""A release in a real browser: an Editor adds an article from its page to a new release,
adds two more from the list, validates (one is blocked by a content policy), removes it,
previews the release through delivery, and publishes the rest together; then reverts them."""

from __future__ import annotations

import pytest

from content.models import Article, Release, ReleaseStatus, Status
from governance.models import Workflow
from tests.accounts.factories import UserFactory
from tests.content.factories import ArticleFactory
from tests.e2e.test_editorial_flow import log_in
from tests.governance.policy_fixtures import banned

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_editor_builds_validates_publishes_and_reverts_a_release(browser_page):
    page = browser_page
    Workflow.objects.update(is_active=False)  # content's rules only; workflows: governance tests
    banned(terms=("synergy",))
    editor = UserFactory(role="Editor", email="eve@example.com")
    lead = ArticleFactory(title="Spring launch")
    others = [ArticleFactory(title="Spring offers"), ArticleFactory(title="Synergy week")]
    log_in(page, editor.email)

    page.goto(f"{page.base_url}/admin/content/article/{lead.pk}/change/")
    page.click("[data-transition=add-to-release]")
    page.fill("#id_new_name", "Spring campaign")
    page.click("[data-add-to-release]")
    expect(page.locator("#release-items")).to_contain_text("Spring launch")

    page.goto(f"{page.base_url}/admin/content/article/")
    for article in others:
        page.check(f"input[name=_selected_action][value='{article.pk}']")
    page.select_option("select[name=action]", "add_to_release")
    page.click("button[name=index]")
    release = Release.objects.get(name="Spring campaign")
    page.select_option("#id_release", str(release.pk))
    page.click("[data-add-to-release]")
    expect(page.locator("[data-release=items]")).to_have_text("3")

    page.click("[data-release-action=validate]")
    expect(page.locator("[data-release-status]")).to_contain_text("Blocked")
    blocked = page.locator("tr[data-blocked]")
    expect(blocked).to_have_count(1)
    expect(blocked).to_contain_text("synergy")
    page.shot("release-blocked")

    blocked.locator("[data-release-action=remove]").click()
    expect(page.locator("[data-release=items]")).to_have_text("2")

    # Preview the site as of the release: the token's delivery URL lists the two to come.
    page.click("[data-release-action=preview]")
    expect(page.locator("[data-release-preview=token]")).not_to_have_value("")
    page.shot("release-preview")
    listing = page.locator("[data-release-preview=urls] a").first.get_attribute("href")
    assert "release_preview=" in listing
    previewed = page.request.get(listing)  # as the frontend's server would ask
    assert previewed.headers["x-folio-release"] == str(release.pk)
    assert {a["title"] for a in previewed.json()["results"]} == {"Spring launch", "Spring offers"}
    assert not Article.objects.filter(status=Status.PUBLISHED).exists()  # all rolled back
    page.click("[data-release-action=publish]")
    expect(page.locator("[data-release-status]")).to_contain_text("Published")
    page.shot("release-published")
    assert set(Article.objects.filter(status=Status.PUBLISHED).values_list("title", flat=True)) == {
        "Spring launch",
        "Spring offers",
    }

    page.click("[data-release-action=revert]")
    expect(page.locator("[data-release-status]")).to_contain_text("Reverted")
    assert Release.objects.get(pk=release.pk).status == ReleaseStatus.REVERTED
    assert not Article.objects.filter(status=Status.PUBLISHED).exists()
    assert not page.errors, page.errors
