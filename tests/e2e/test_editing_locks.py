"""Editing together in a real browser: an Editor locks an article and a second Editor, in
another browser, sees who holds it and who is there, and has their save refused; an
Editor's typing is autosaved, survives a reload, and is restored into the form.

Screenshots: tests/e2e/screenshots/locks-*.png.
"""

from __future__ import annotations

import re

import pytest

from content import services
from content.models import Article, AutosaveDraft
from tests.accounts.factories import UserFactory
from tests.content.factories import ArticleFactory
from tests.e2e.conftest import SCREENSHOTS, TIMEOUT
from tests.e2e.test_editorial_flow import log_in

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def shot(page, name: str) -> None:
    page.screenshot(path=SCREENSHOTS / f"locks-{name}.png", full_page=True)


def js_errors(page) -> list[str]:
    return [e for e in page.errors if "favicon" not in e and "to load resource" not in e]


@pytest.fixture
def second_page(browser_page):
    """Another browser (its own cookies: another user) on the same live server."""
    context = browser_page.context.browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT)
    page = context.new_page()
    page.base_url = browser_page.base_url
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    context.close()


def test_a_lock_refuses_a_second_editors_save(browser_page, second_page):
    eve = UserFactory(role="Editor", email="eve@example.com", full_name="Eve Editor")
    UserFactory(role="Editor", email="otto@example.com", full_name="Otto Other")
    article = ArticleFactory(title="Harbour festival")
    change = f"/admin/content/article/{article.pk}/change/"

    # Eve opens the article and locks it.
    log_in(browser_page, eve.email)
    browser_page.goto(browser_page.base_url + change)
    browser_page.click("button[data-lock-action=lock]")
    expect(browser_page.locator("[data-lock-banner]")).to_contain_text(
        "You locked this article until"
    )
    shot(browser_page, "01-holder")

    # Otto, in another browser, sees who holds it, and that Eve is there.
    otto = second_page
    log_in(otto, "otto@example.com")
    otto.goto(otto.base_url + change)
    banner = otto.locator("[data-lock-banner]")
    expect(banner).to_contain_text(re.compile(r"Locked by Eve Editor until \d\d:\d\d"))
    expect(otto.locator("[data-presence-people]")).to_contain_text("Eve Editor")
    expect(otto.locator("[data-transition=publish]")).to_have_count(0)

    # His save is refused, and says why; nothing changed.
    otto.fill("#id_title", "Harbour festival (cancelled)")
    otto.click("[name=_continue]")
    expect(otto.locator(".errornote, .errorlist").first).to_be_visible()
    expect(otto.locator("#content-main")).to_contain_text("is locked by Eve Editor")
    shot(otto, "02-refused-save")
    assert Article.objects.get(pk=article.pk).title == "Harbour festival"

    # Eve sees Otto there too (her page's next heartbeat; a reload sends one at once).
    browser_page.reload()
    expect(browser_page.locator("[data-presence-people]")).to_contain_text("Otto Other")
    shot(browser_page, "03-presence")

    # Once Eve unlocks, Otto's save goes through.
    browser_page.click("button[data-lock-action=unlock]")
    expect(browser_page.locator("[data-lock-banner]")).to_be_hidden()
    otto.goto(otto.base_url + change)
    expect(otto.locator("[data-lock-banner]")).to_be_hidden()
    otto.fill("#id_title", "Harbour festival (cancelled)")
    otto.click("[name=_continue]")
    expect(otto.locator(".messagelist")).to_contain_text("was changed successfully")
    assert Article.objects.get(pk=article.pk).title == "Harbour festival (cancelled)"
    assert js_errors(browser_page) == []
    assert js_errors(otto) == []


def test_autosave_survives_a_reload_and_restores_the_form(browser_page, e2e_settings):
    e2e_settings.CONTENT_AUTOSAVE_SECONDS = 1
    page = browser_page
    eve = UserFactory(role="Editor", email="eve@example.com", full_name="Eve Editor")
    article = ArticleFactory(title="Harbour festival")
    change = f"/admin/content/article/{article.pk}/change/"
    status = page.locator("[data-autosave-status]")
    offer = page.locator("[data-autosave-offer]")

    log_in(page, eve.email)
    page.goto(page.base_url + change)
    page.wait_for_selector(".ProseMirror[contenteditable=true]")
    page.fill("#id_title", "Harbour festival: the programme")
    page.fill("#id_summary", "Boats, bands and a lantern parade.")
    page.locator(".ProseMirror[contenteditable=true]").click()
    page.keyboard.press("End")
    page.keyboard.type(" Tickets on sale soon.")
    expect(status).to_contain_text("Draft saved at")
    shot(page, "04-draft-saved")
    assert Article.objects.get(pk=article.pk).title == "Harbour festival"  # not a save

    # The reload shows the item as stored, and offers the draft back.
    page.reload()
    expect(offer).to_be_visible()
    expect(offer).to_contain_text(re.compile(r"Restore your unsaved changes from \d\d:\d\d"))
    expect(page.locator("[data-offer-conflict]")).to_be_hidden()
    expect(page.locator("#id_title")).to_have_value("Harbour festival")
    shot(page, "05-restore-offer")

    page.click("[data-offer-restore]")
    expect(offer).to_be_hidden()
    expect(page.locator("#id_title")).to_have_value("Harbour festival: the programme")
    expect(page.locator("#id_summary")).to_have_value("Boats, bands and a lantern parade.")
    expect(page.locator(".ProseMirror[contenteditable=true]")).to_contain_text(
        "Tickets on sale soon."
    )
    shot(page, "06-restored")

    # The explicit save writes the revision and clears the slot.
    page.click("[name=_continue]")
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    saved = Article.objects.get(pk=article.pk)
    assert saved.title == "Harbour festival: the programme"
    assert "Tickets on sale soon." in saved.body[0]["value"]["text"]
    assert not AutosaveDraft.objects.exists()

    # A draft someone else's save overtook is offered with the conflict spelled out.
    page.fill("#id_title", "Harbour festival: late changes")
    expect(status).to_contain_text("Draft saved at")
    rival = UserFactory(role="Editor", full_name="Rita Rival")
    services.entry_update(entry=saved, actor=rival, data={"summary": "Rita's summary."})
    page.reload()
    expect(page.locator("[data-offer-conflict]")).to_contain_text("Conflict: Rita Rival saved")
    shot(page, "07-conflict-offer")
    page.click("[data-offer-discard]")
    expect(offer).to_be_hidden()
    expect(status).to_contain_text("Discarded")
    assert not AutosaveDraft.objects.exists()
    assert js_errors(page) == []


def test_what_is_typed_before_the_slot_is_read_is_autosaved(browser_page, e2e_settings):
    """The form is editable before autosave has read the editor's slot: keystrokes made
    meanwhile are saved once it has, not dropped until the next one."""
    e2e_settings.CONTENT_AUTOSAVE_SECONDS = 1
    page = browser_page
    eve = UserFactory(role="Editor", email="eve@example.com")
    article = ArticleFactory(title="Harbour festival")
    held = []

    def hold_the_first_read(route):
        if route.request.method == "GET" and not held:
            held.append(route)
        else:
            route.continue_()

    log_in(page, eve.email)
    page.route("**/editing/autosave/", hold_the_first_read)
    page.goto(f"{page.base_url}/admin/content/article/{article.pk}/change/")
    page.wait_for_selector(".ProseMirror[contenteditable=true]")
    page.wait_for_function("document.readyState === 'complete'")
    assert len(held) == 1  # the slot's read is still on its way
    page.fill("#id_title", "Harbour festival: early")
    held[0].continue_()
    expect(page.locator("[data-autosave-status]")).to_contain_text("Draft saved at")
    assert AutosaveDraft.objects.get().data["title"] == "Harbour festival: early"
    assert js_errors(page) == []
