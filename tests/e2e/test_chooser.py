"""Choosing related objects in a modal, in a real browser: an Editor opens an article,
searches for a cover image in the modal, picks it, sees its thumbnail on the form, adds two
tags (several at once), closes the modal with Esc, saves, and the article has them. No
popup window opens.

Screenshots: tests/e2e/screenshots/chooser-*.png (the open modal at 1280x800 and 390x844).
"""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from content import services
from content.models import Article
from tests.accounts.factories import UserFactory
from tests.content.factories import ArticleFactory, make_tag
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.test_editing_locks import js_errors
from tests.e2e.test_editorial_flow import log_in

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def picture(title: str, sky: tuple, ground: tuple):
    """A 400x300 PNG in the library: a sky over some ground, so thumbnails read as images."""
    image = Image.new("RGB", (400, 300), sky)
    image.paste(ground, (0, 190, 400, 300))
    out = io.BytesIO()
    image.save(out, format="PNG")
    upload = SimpleUploadedFile(f"{title}.png", out.getvalue(), content_type="image/png")
    asset, _ = services.media_upload(
        actor=None, file=upload, data={"title": title, "alt_text": f"{title}, a photo"}
    )
    return asset


def shot(page, name: str) -> None:
    # The viewport, not the full page: what the editor sees with the modal open.
    page.screenshot(path=SCREENSHOTS / f"chooser-{name}.png")


def test_choose_a_cover_image_and_tags_in_the_modal(browser_page):
    page = browser_page
    editor = UserFactory(role="Editor", email="eve@example.com", full_name="Eve Editor")
    harbour = picture("Harbour at dawn", (250, 170, 90), (30, 80, 140))
    picture("Office desk", (220, 220, 225), (120, 80, 50))
    python, django = make_tag("python"), make_tag("django")
    make_tag("rust")
    article = ArticleFactory(title="Boats")
    popups = []
    page.on("popup", lambda popup: popups.append(popup))

    log_in(page, editor.email)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(page.base_url + f"/admin/content/article/{article.pk}/change/")
    cover = page.locator(".folio-chooser:has(#id_cover_image)")
    expect(cover.locator("[data-chooser-none]")).to_be_visible()  # nothing chosen yet

    # The cover image: search in the modal, pick the one result.
    cover.locator("[data-chooser-open]").click()
    dialog = cover.locator("dialog")
    expect(dialog).to_be_visible()
    search = dialog.locator("[data-chooser-search]")
    expect(search).to_be_focused()
    results = dialog.locator("[data-chooser-results] button")
    expect(results).to_have_count(2)
    search.fill("harbour")
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("Harbour at dawn")
    expect(results.first.locator("img")).to_be_visible()
    shot(page, "cover-1280x800")
    results.first.click()
    expect(dialog).to_be_hidden()
    expect(cover.locator("[data-chooser-open]")).to_be_focused()
    chosen = cover.locator(".folio-chooser__item")
    expect(chosen).to_contain_text("Harbour at dawn")
    thumb = chosen.locator("img.folio-chooser__thumb")
    expect(thumb).to_be_visible()
    loaded = "(img) => img.complete && img.naturalWidth > 0"
    page.wait_for_function(loaded, arg=thumb.element_handle())

    # Tags: several from one modal, each marked as chosen; Esc closes it.
    page.set_viewport_size({"width": 390, "height": 844})
    tags = page.locator(".folio-chooser:has(#id_tags)")
    tags.locator("[data-chooser-open]").click()
    tag_dialog = tags.locator("dialog")
    expect(tag_dialog).to_be_visible()
    for name in ("python", "django"):
        button = tag_dialog.locator("[data-chooser-results] button", has_text=name)
        button.click()
        expect(button).to_have_attribute("aria-pressed", "true")
    shot(page, "tags-390x844")
    # The page behind is inert: Tab goes round the dialog's own controls only.
    inside = "(dialog) => dialog.contains(document.activeElement)"
    for key in ["Tab"] * 8 + ["Shift+Tab"] * 8:
        page.keyboard.press(key)
        assert page.evaluate(inside, tag_dialog.element_handle()), key
    page.keyboard.press("Escape")
    expect(tag_dialog).to_be_hidden()
    expect(tags.locator(".folio-chooser__item")).to_have_count(2)
    # A second thought: "Remove" takes one off again before saving, then it goes back on.
    tags.get_by_role("button", name="Remove django").click()
    expect(tags.locator(".folio-chooser__item")).to_have_count(1)
    tags.locator("[data-chooser-open]").click()
    tag_dialog.locator("[data-chooser-results] button", has_text="django").click()
    tag_dialog.locator(".folio-chooser-dialog__done").click()
    expect(tags.locator(".folio-chooser__item")).to_have_count(2)

    page.set_viewport_size({"width": 1280, "height": 800})
    page.click("[name=_continue]")
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    saved = Article.objects.get(pk=article.pk)
    assert saved.cover_image_id == harbour.pk
    assert set(saved.tags.all()) == {python, django}
    # Shown again after the save, from what was stored.
    stored = page.locator(".folio-chooser:has(#id_cover_image) .folio-chooser__item")
    expect(stored).to_contain_text("Harbour at dawn")
    assert popups == []
    assert js_errors(page) == []


def test_the_body_editors_browse_chooses_an_image_in_the_modal(browser_page):
    page = browser_page
    author = UserFactory(role="Author", email="ada@example.com", full_name="Ada Author")
    picture("Lighthouse", (120, 180, 235), (40, 150, 60))
    boat = picture("Red boat", (120, 180, 235), (200, 30, 30))
    popups = []
    page.on("popup", lambda popup: popups.append(popup))

    log_in(page, author.email)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(page.base_url + "/admin/content/article/add/")
    page.fill("#id_title", "At sea")
    page.locator(".ProseMirror[contenteditable=true]").click()
    page.click(".prose-menubar [title='figure']")
    figure = page.locator("dialog.prose-editor-dialog")
    figure.get_by_role("button", name="Browse...").click()
    chooser = page.locator("[data-chooser-images] dialog")
    expect(chooser).to_be_visible()
    results = chooser.locator("[data-chooser-results] button")
    expect(results).to_have_count(2)
    chooser.locator("[data-chooser-search]").fill("boat")
    expect(results).to_have_count(1)
    shot(page, "body-image-1280x800")
    results.first.click()

    expect(chooser).to_be_hidden()
    # The library's display rendition (content.admin.widgets.asset_url), as the body shows.
    expect(figure.locator("input[name=imageUrl]")).to_have_value(re.compile(r"^/media/.+\.png$"))
    expect(figure.locator("input[name=altText]")).to_have_value("Red boat, a photo")
    figure.get_by_role("button", name="Insert").click()
    image = page.locator(f".ProseMirror figure img[data-media-id='{boat.pk}']")
    expect(image).to_be_visible()
    page.click("[name=_continue]")
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    body = Article.objects.get(title="At sea").body
    assert [b["value"]["image"] for b in body if b["type"] == "image"] == [boat.pk]
    assert popups == []
    assert js_errors(page) == []
