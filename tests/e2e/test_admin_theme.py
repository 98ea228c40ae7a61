"""Every page of Folio's own in the admin's theme, in a real browser: an Administrator and
an Author open each one at a desktop's size and a phone's, and each page must be drawn by
unfold (its layout and stylesheet), log no console error and fail no request (a missing
static file is a 404). Screenshots land in tests/e2e/screenshots/theme-*.png.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from content import services
from content.runtime.definitions import type_create
from content.types import entry_type
from tests.accounts.factories import UserFactory
from tests.content.factories import ArticleFactory, PageFactory, make_image
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.watched import VIEWPORTS, Watched, new_context, sign_in

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BODY = [
    {"type": "heading", "value": {"text": "What changed", "level": 2}},
    {"type": "paragraph", "value": {"text": "The harbour opens <strong>at dawn</strong>."}},
    {"type": "quote", "value": {"text": "Come early.", "attribution": "The harbourmaster"}},
    {"type": "list", "value": {"style": "bulleted", "items": ["Boats", "Bikes"]}},
]


def content_for(administrator, author) -> dict[str, str]:
    """The items the pages show, and the address of each page (by name)."""
    review = timezone.now() + timedelta(days=90)
    draft = ArticleFactory(title="Harbour opening", owner=author, body=BODY, next_review_at=review)
    services.entry_update(
        entry=draft, actor=author, data={"summary": "When and where."}, message="Summary"
    )
    others = PageFactory(title="About the harbour", body=BODY, owner=administrator)
    make_image(actor=administrator, title="Harbour at dawn", width=64, height=48)
    type_create(
        actor=administrator,
        data={
            "api_id": "ferry",
            "name": "Ferry",
            "fields": [{"api_id": "route", "type": "text", "required": True}],
        },
    )
    ferry = entry_type("ferry").model._meta
    article = f"/admin/content/article/{draft.pk}"
    return {
        "dashboard": reverse("admin:index"),
        "governance-dashboard": reverse("governance-dashboard"),
        "articles": reverse("admin:content_article_changelist"),
        "article": f"{article}/change/",
        "page": f"/admin/content/page/{others.pk}/change/",
        "runtime-type": reverse(f"admin:{ferry.app_label}_{ferry.model_name}_changelist"),
        "revision-diff": f"{article}/revisions/2/diff/",
        "schedule": f"{article}/schedule/",
        "trash-confirm": f"{article}/transition/trash/",
        "media": reverse("admin:content_mediaasset_changelist"),
        "review-tasks": reverse("admin:governance_reviewtask_changelist"),
        "audit-log": reverse("admin:governance_auditevent_changelist"),
        "user": reverse("admin:accounts_user_change", args=[author.pk]),
    }


# What an Author may not open (the pages answer 403; the sidebar does not offer them).
ADMINISTRATORS_ONLY = {"schedule", "audit-log", "user"}


def shot(watched: Watched, name: str) -> None:
    watched.page.screenshot(path=SCREENSHOTS / f"theme-{name}.png")


@pytest.fixture(scope="module", autouse=True)
def _fresh_screenshots(screenshots_dir):
    """This module's screenshots, from this run only (the other tests' stay; the run's
    emptying of the folder, screenshots_dir, comes first, or a later test would wipe these)."""
    for old in SCREENSHOTS.glob("theme-*.png"):
        old.unlink()


def test_every_admin_page_is_drawn_by_the_theme(browser, live_server):
    administrator = UserFactory(
        role="Administrator", email="ann@example.com", full_name="Ann Admin"
    )
    author = UserFactory(role="Author", email="ada@example.com", full_name="Ada Author")
    pages = content_for(administrator, author)

    for who, user in (("admin", administrator), ("author", author)):
        for viewport in VIEWPORTS:
            context = new_context(browser, viewport)
            watched = Watched(context, live_server.url)
            sign_in(watched, user.email)
            for name, path in pages.items():
                if who == "author" and name in ADMINISTRATORS_ONLY:
                    continue
                watched.open(path)
                watched.assert_themed(signed_in=True)
                shot(watched, f"{who}-{name}-{viewport}")
            assert watched.problems == [], (who, viewport, watched.problems)
            context.close()

    for viewport in VIEWPORTS:
        context = new_context(browser, viewport)
        watched = Watched(context, live_server.url)
        watched.open("/admin/login/")
        watched.assert_themed(signed_in=False)
        expect(watched.page.get_by_role("link", name="Forgot password?")).to_be_visible()
        shot(watched, f"login-{viewport}")
        watched.page.get_by_role("link", name="Forgot password?").click()
        watched.page.wait_for_selector("#password-reset-form")
        watched.assert_themed(signed_in=False)
        shot(watched, f"password-reset-{viewport}")
        assert watched.problems == [], (viewport, watched.problems)
        context.close()


def test_the_change_form_header_tabs_and_prose(browser, live_server):
    administrator = UserFactory(role="Administrator", email="ann@example.com")
    author = UserFactory(role="Author", email="ada@example.com")
    pages = content_for(administrator, author)
    context = new_context(browser, "desktop")
    watched = Watched(context, live_server.url)
    sign_in(watched, author.email)
    page = watched.page

    # The Author's own draft: the editor, tabs, and the header with what they may do.
    watched.open(pages["article"])
    header = page.locator("#entry-header")
    expect(header.locator("[data-header=version]")).to_have_text("2")
    expect(header.locator("[data-header=owner]")).to_contain_text("ada@example.com")
    expect(header.locator("[data-transition=submit]")).to_be_visible()
    assert header.locator("[data-transition=publish]").count() == 0
    expect(page.locator("#id_title")).to_be_visible()
    page.click("[data-tab=seo]")
    expect(page.locator("#id_seo_title")).to_be_visible()
    expect(page.locator("#id_title")).to_be_hidden()
    page.click("[data-tab=history]")
    expect(page.locator("#revision-history tr[data-revision='2']")).to_be_visible()
    shot(watched, "author-article-history-desktop")
    page.click("[data-tab=governance]")
    expect(page.locator("#workflow")).to_be_visible()
    shot(watched, "author-article-governance-desktop")
    # The header stays on top while the page scrolls.
    page.click("[data-tab=content]")
    page.mouse.wheel(0, 2000)
    expect(header.locator("[data-transition=submit]")).to_be_in_viewport()
    shot(watched, "author-article-scrolled-desktop")

    # Someone else's page is read-only for an Author: the body as the reader sees it.
    watched.open(pages["page"])
    prose = page.locator(".folio-prose")
    expect(prose.locator("h2")).to_have_text("What changed")
    expect(prose.locator("blockquote footer")).to_have_text("The harbourmaster")
    size = prose.locator("h2").evaluate("h => parseFloat(getComputedStyle(h).fontSize)")
    body = prose.locator("p").first.evaluate("p => parseFloat(getComputedStyle(p).fontSize)")
    assert size > body  # a heading of the text, not an admin section bar
    shot(watched, "author-page-readonly-desktop")
    assert watched.problems == [], watched.problems
    context.close()
