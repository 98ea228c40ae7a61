"""Ending a session in one browser logs the other out on its next request (issue 18, done
when): two headless Chromium browsers signed in as the same Editor; the first ends the
second's session from Settings → Sessions, and the second is sent to the sign-in page.
Screenshots land in tests/e2e/screenshots/sessions-*.png.
"""

from __future__ import annotations

import pytest

from accounts.models import UserSession
from tests.accounts.factories import UserFactory
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.watched import Watched, new_context, sign_in

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

OTHER_AGENT = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"


def test_ending_a_session_in_one_browser_signs_the_other_out(browser, live_server):
    editor = UserFactory(email="eve@example.com", role="Editor")
    here_context = new_context(browser, "desktop")
    there_context = browser.new_context(
        viewport={"width": 1280, "height": 800}, user_agent=OTHER_AGENT
    )
    here = Watched(here_context, live_server.url)
    there = Watched(there_context, live_server.url)
    sign_in(here, editor.email)
    sign_in(there, editor.email)
    other = UserSession.objects.get(user=editor, user_agent=OTHER_AGENT)

    here.open("/admin/accounts/usersession/")
    page = here.page
    expect(page.locator("#result_list tbody tr")).to_have_count(2)
    expect(page.get_by_text("Firefox 128 on Windows")).to_be_visible()
    page.screenshot(path=SCREENSHOTS / "sessions-list.png", full_page=True)
    page.check(f"input.action-select[value='{other.pk}']")
    page.select_option("select[name=action]", "end_sessions")
    page.get_by_role("button", name="Run").click()
    expect(page.get_by_text("Ended 1 session(s).")).to_be_visible()
    expect(page.locator("#result_list tbody tr")).to_have_count(1)

    # The other browser's next request finds itself signed out.
    there.page.goto(live_server.url + "/admin/")
    expect(there.page.locator("#login-form")).to_be_visible()
    there.page.screenshot(path=SCREENSHOTS / "sessions-signed-out.png", full_page=True)
    # This one stays signed in.
    here.open("/admin/")
    expect(page.locator("#nav-sidebar")).to_be_attached()
    here_context.close()
    there_context.close()
