"""A watched browser page for the theme tests (test_admin_theme, test_every_page): it
records console errors, script errors and failed requests (a missing static file is a
404), and checks that a page is drawn by unfold."""

from __future__ import annotations

import pytest

from tests.accounts.factories import PASSWORD
from tests.e2e.conftest import TIMEOUT

expect = pytest.importorskip("playwright.sync_api").expect

# The preview panel has shown what it was asked for (it asks again shortly after the page
# loads); a button clicked while it asks would race it (the embedded SQLite has one writer).
PREVIEW_SETTLED = """() => {
    const panel = document.getElementById('folio-preview');
    if (!panel || panel.hidden) return true;
    const status = panel.querySelector('.folio-preview-status').textContent;
    return !panel.classList.contains('is-loading') && !/Updating|not shown yet/.test(status);
}"""

VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


class Watched:
    """A browser page that records console errors and failed requests; `label` (the page
    being looked at) prefixes each, so a run that visits many pages names the culprit."""

    def __init__(self, context, base_url: str):
        self.page = context.new_page()
        self.base_url = base_url
        self.label = ""
        self.problems: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.note(f"page error: {error}"))
        self.page.on("requestfailed", self._failed)
        self.page.on("response", self._response)

    def note(self, problem: str) -> None:
        self.problems.append(f"{self.label}: {problem}" if self.label else problem)

    def _console(self, message) -> None:
        if message.type == "error":
            self.note(f"console: {message.text}")

    def _failed(self, request) -> None:
        # Leaving a page cancels its fetches in flight (the preview panel's, when a button
        # is clicked while it asks): nothing is missing. A file that fails is still a fault.
        if request.failure == "net::ERR_ABORTED" and request.resource_type in ("fetch", "xhr"):
            return
        self.note(f"failed: {request.url} ({request.failure})")

    def _response(self, response) -> None:
        if response.status >= 400:
            self.note(f"{response.status}: {response.url}")

    def open(self, path: str) -> None:
        response = self.page.goto(self.base_url + path)
        assert response is not None
        assert response.status == 200, (path, response.status)
        self.settle()

    def settle(self) -> None:
        """Wait for the page and what it fetches once loaded. Not "networkidle": that
        waits out 500 ms of quiet on every page, which made a tour of the admin's pages
        (test_every_page) take five minutes."""
        self.page.wait_for_load_state("load")
        self.page.wait_for_function(PREVIEW_SETTLED)

    def assert_themed(self, *, signed_in: bool) -> None:
        page = self.page
        assert page.locator("link[href*='unfold/css/styles.css']").count() == 1
        assert page.locator("link[href*='folio/admin/theme.css']").count() == 1
        # Django's own admin stylesheet would draw its header and layout over unfold's.
        assert page.locator("link[href*='admin/css/base.css']").count() == 0
        expect(page.locator("#page")).to_be_visible()
        if signed_in:
            expect(page.locator("#nav-sidebar")).to_be_attached()
            expect(page.locator("#main")).to_be_visible()
        # Alpine ran (no CSP refusal): it removes x-cloak from the page once started.
        expect(page.locator("html[x-cloak]")).to_have_count(0)

    def overflow(self) -> int:
        """How many pixels the page is wider than the window (0 when nothing sticks out)."""
        return self.page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )


def new_context(browser, viewport: str):
    context = browser.new_context(viewport=VIEWPORTS[viewport])
    context.set_default_timeout(TIMEOUT)
    context.set_default_navigation_timeout(TIMEOUT)
    return context


def sign_in(watched: Watched, email: str) -> None:
    watched.open("/admin/login/")
    watched.page.fill("#id_username", email)
    watched.page.fill("#id_password", PASSWORD)
    watched.page.click("#login-form [type=submit]")
    watched.page.wait_for_selector("#content-main")
