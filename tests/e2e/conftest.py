"""Browser tests: Playwright (sync API) driving Debian's chromium against pytest-django's
live server. They skip cleanly where chromium or playwright is missing; CI has both.

Run: `.venv/bin/pytest -m e2e tests/e2e` (screenshots land in tests/e2e/screenshots/).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
SCREENSHOTS = Path(__file__).parent / "screenshots"
# How long any wait may take (ms). Tests wait on what the user sees, never on time, so a
# generous bound costs nothing when the machine is quick and keeps a busy one from failing.
# E2E_TIMEOUT=8000 fails fast while writing a test.
TIMEOUT = int(os.environ.get("E2E_TIMEOUT", 60_000))

try:
    from playwright.sync_api import expect, sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    expect = sync_playwright = None


def pytest_collection_modifyitems(config, items):
    reason = None
    if sync_playwright is None:
        reason = "playwright is not installed"
    elif not Path(CHROMIUM).exists():
        reason = f"{CHROMIUM} is not installed (apt-get install chromium)"
    if reason and os.environ.get("FOLIO_REQUIRE_E2E"):
        # CI installs the browser; a missing one there must fail, not skip quietly.
        raise pytest.UsageError(f"FOLIO_REQUIRE_E2E is set but {reason}")
    for item in items:
        if "e2e" in item.keywords and reason:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture
def e2e_settings(settings, tmp_path):
    """Real files on disk, served by the live server, and rendition tasks run inline."""
    settings.ROOT_URLCONF = "tests.e2e.urls"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    settings.AXES_ENABLED = False
    # The live server serves HTTP only: no real-time process for the admin's WebSocket
    # (test_editors_live runs Folio as `make run` does, with one).
    settings.REALTIME_EDITORS_ENABLED = False
    return settings


@pytest.fixture(scope="session")
def screenshots_dir():
    """Emptied once a run, so the screenshots of every test in the run are kept."""
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True)
    return SCREENSHOTS


@pytest.fixture
def browser(live_server, e2e_settings, monkeypatch, screenshots_dir):
    """Chromium, for tests that open their own contexts (tests.e2e.watched.new_context)."""
    # Playwright's sync API keeps an event loop in this thread, which makes Django treat
    # the test's own ORM calls as async-unsafe; requests are served by the live server's
    # thread, so the test thread's checks are safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        expect.set_options(timeout=TIMEOUT)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(browser, live_server):
    """A chromium page on the live server; `shot(name)` saves a full-page screenshot."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT)
    context.set_default_navigation_timeout(TIMEOUT)
    page = context.new_page()
    page.base_url = live_server.url
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on(
        "console",
        lambda msg: page.errors.append(msg.text) if msg.type == "error" else None,
    )
    counter = iter(range(1, 100))

    def shot(name: str) -> None:
        page.screenshot(path=SCREENSHOTS / f"{next(counter):02d}-{name}.png", full_page=True)

    page.shot = shot
    yield page
    context.close()
