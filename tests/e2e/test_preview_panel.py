"""The change form's live preview panel, in a real browser: it sits beside the form on a
wide screen and below it on a phone, follows what the editor types (title and body)
without saving anything, shows the form's errors when the input is invalid, and lays the
page out at a phone's, a tablet's and a desktop's width.

Screenshots: tests/e2e/screenshots/preview-*.png, at 1280x800 and 390x844.
"""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from content import services
from content.models import Article, Revision
from tests.accounts.factories import UserFactory
from tests.content.factories import ArticleFactory
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.test_editorial_flow import log_in

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

EDITOR = "eve@example.com"
TYPED_TITLE = "Harbour notes, revised at dawn"
TYPED_PARAGRAPH = "A paragraph typed just now, not saved."
DEVICES = {"mobile": 390, "tablet": 768, "desktop": 1280}


def hero_image():
    """A sea-and-sky gradient, for the preview's hero."""
    image = Image.new("RGB", (1200, 600))
    for y in range(600):
        shade = (40 + y // 6, 110 + y // 8, 180 + y // 12) if y < 330 else (20, 70 + y // 10, 120)
        image.paste(shade, (0, y, 1200, y + 1))
    out = io.BytesIO()
    image.save(out, format="PNG")
    asset, _ = services.media_upload(
        actor=None,
        file=SimpleUploadedFile("harbour.png", out.getvalue()),
        data={"title": "Harbour", "alt_text": "The harbour at dawn", "caption": "Early light"},
    )
    return asset


def an_article() -> Article:
    return ArticleFactory(
        title="Harbour notes",
        summary="What the fishing boats bring in, and when.",
        cover_image=hero_image().pk,
        body=[
            {"type": "paragraph", "value": {"text": "The first boats come in before six."}},
            {"type": "heading", "value": {"text": "At the quay", "level": 2}},
            {"type": "paragraph", "value": {"text": "Crates are stacked <em>by size</em>."}},
            {"type": "quote", "value": {"text": "Fresh or nothing.", "attribution": "Mo"}},
        ],
    )


def shot(page, name: str) -> None:
    """The window as the editor sees it (not the full page): at its exact size."""
    page.screenshot(path=SCREENSHOTS / f"preview-{name}.png")


def frame_width(page, width: int) -> None:
    """Wait until the previewed page is laid out `width` CSS pixels wide."""
    page.wait_for_function(
        "w => document.querySelector('#folio-preview iframe').contentWindow.innerWidth === w",
        arg=width,
    )


def test_the_preview_follows_typing_and_sizes_to_a_device(browser_page):
    page = browser_page
    UserFactory(role="Editor", email=EDITOR, full_name="Eve Editor")
    article = an_article()
    revisions = Revision.objects.count()
    page.set_viewport_size({"width": 1280, "height": 800})
    log_in(page, EDITOR)
    page.goto(f"{page.base_url}/admin/content/article/{article.pk}/change/")

    panel = page.locator("#folio-preview")
    preview = page.frame_locator("#folio-preview iframe")
    status = panel.locator(".folio-preview-status")
    expect(preview.locator("h1")).to_have_text("Harbour notes")
    expect(preview.locator(".pv-hero img")).to_have_attribute("alt", "The harbour at dawn")
    expect(status).to_contain_text("saved draft")
    # Wide screen: the preview is beside the form.
    form_box = page.locator("#article_form").bounding_box()
    panel_box = panel.bounding_box()
    assert panel_box["x"] >= form_box["x"] + form_box["width"]
    assert panel_box["y"] < form_box["y"] + 200
    shot(page, "desktop-1280x800")

    # 1. The editor types a new title and a new paragraph: the panel shows both.
    page.fill("#id_title", TYPED_TITLE)
    expect(preview.locator("h1")).to_have_text(TYPED_TITLE)
    editor = page.locator(".ProseMirror[contenteditable=true]")
    editor.locator("p", has_text="Crates are stacked").click()
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    page.keyboard.type(TYPED_PARAGRAPH)
    expect(preview.locator(".pv-body p", has_text=TYPED_PARAGRAPH)).to_be_visible()
    expect(status).to_contain_text("unsaved changes")
    page.locator("#id_title").scroll_into_view_if_needed()
    shot(page, "typed-1280x800")
    # Nothing was saved: no revision, the stored item as it was.
    assert Revision.objects.count() == revisions
    stored = Article.objects.get(pk=article.pk)
    assert (stored.title, stored.version) == ("Harbour notes", article.version)

    # 2. Device widths: the page is laid out at each, scaled down to fit the panel.
    scales = {}
    for device, width in DEVICES.items():
        panel.locator(f"[data-device={device}]").click()
        expect(panel.locator(f"[data-device={device}]")).to_have_attribute("aria-pressed", "true")
        frame_width(page, width)
        scales[device] = float(panel.get_attribute("data-scale"))
        shot(page, f"{device}-frame-1280x800")
    assert scales["desktop"] < scales["tablet"] < 1  # wider pages, smaller in the panel
    assert scales["mobile"] > 0.95  # a phone's width fits the panel (almost) as it is

    # 3. Invalid input: the form's errors show in the panel, the last good page stays.
    page.fill("#id_slug", "not a slug")
    errors = panel.locator(".folio-preview-errors")
    expect(errors.locator("li[data-field=slug]")).to_contain_text(
        re.compile(r"^Slug: .*letters, numbers, underscores or hyphens")
    )
    expect(preview.locator("h1")).to_have_text(TYPED_TITLE)
    shot(page, "errors-1280x800")
    page.fill("#id_slug", article.slug)
    expect(errors).to_be_hidden()

    # 4. Hidden, and back.
    panel.locator(".folio-preview-close").click()
    expect(panel).to_be_hidden()
    page.locator(".folio-preview-tab").click()
    expect(panel).to_be_visible()
    expect(preview.locator("h1")).to_have_text(TYPED_TITLE)

    # 5. A phone: the preview is below the form, the page at the panel's width.
    page.set_viewport_size({"width": 390, "height": 844})
    panel.locator("[data-device=fit]").click()
    form_box = page.locator("#article_form").bounding_box()
    panel_box = panel.bounding_box()
    assert panel_box["y"] >= form_box["y"] + form_box["height"]
    panel.scroll_into_view_if_needed()
    expect(preview.locator(".pv-body p", has_text=TYPED_PARAGRAPH)).to_be_visible()
    shot(page, "mobile-390x844")
    assert Revision.objects.count() == revisions
    # The browser logs the 400 of invalid input (and the favicon's 404); no script failed.
    assert not [e for e in page.errors if "to load resource" not in e]


def test_the_panel_frames_the_frontends_preview_of_the_unsaved_draft(
    browser_page, e2e_settings, live_server
):
    """With FRONTEND_PREVIEW_URL the panel loads the frontend (another origin, which the
    change form's CSP lets it frame) with a token for the draft as typed."""
    port = live_server.url.rsplit(":", 1)[1]
    e2e_settings.ROOT_URLCONF = "tests.e2e.preview_site"
    e2e_settings.FRONTEND_PREVIEW_URL = (
        f"http://127.0.0.1:{port}/site/preview?token={{token}}&type={{type}}&slug={{slug}}"
    )
    page = browser_page
    UserFactory(role="Editor", email=EDITOR, full_name="Eve Editor")
    article = an_article()
    revisions = Revision.objects.count()
    page.set_viewport_size({"width": 1280, "height": 800})
    log_in(page, EDITOR)
    page.goto(f"{page.base_url}/admin/content/article/{article.pk}/change/")

    site = page.frame_locator("#folio-preview iframe")
    expect(site.locator("h1.site-title")).to_have_text("Harbour notes")
    expect(site.locator("p.site")).to_contain_text(f"article {article.slug}")
    page.fill("#id_title", TYPED_TITLE)
    expect(site.locator("h1.site-title")).to_have_text(TYPED_TITLE)
    expect(page.locator("#folio-preview .folio-preview-status")).to_contain_text("unsaved")
    shot(page, "frontend-1280x800")
    assert Revision.objects.count() == revisions
    assert not [e for e in page.errors if "to load resource" not in e]
