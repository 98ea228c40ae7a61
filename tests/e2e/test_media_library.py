"""The media library and the dashboard in a real browser: an Editor drops several files on
the library at once (each with its own progress bar; the one refused says why), sets an
image's focal point by clicking it (saved at once, the marker there again after a reload,
the crop following it), and opens the dashboard's cards.

Screenshots: tests/e2e/screenshots/media-*.png and dashboard-*.png.
"""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from content import services
from content.models import MediaAsset
from tests.accounts.factories import PASSWORD, UserFactory
from tests.content.factories import ArticleFactory
from tests.e2e.conftest import SCREENSHOTS

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def png(width: int, height: int, colour: tuple[int, int, int]) -> bytes:
    image = Image.new("RGB", (width, height), colour)
    # Some texture, so the files are not tiny and the progress bars have work to show.
    for x in range(0, width, 7):
        for y in range(0, height, 5):
            image.putpixel((x, y), ((x * 3) % 256, (y * 5) % 256, (x + y) % 256))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def landscape() -> bytes:
    """600x300: sky, a green hill on the left, a red boat on the right."""
    image = Image.new("RGB", (600, 300), (120, 180, 235))
    image.paste((40, 150, 60), (0, 180, 600, 300))
    image.paste((200, 30, 30), (470, 140, 560, 200))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def log_in(page, email: str) -> None:
    page.goto(page.base_url + "/admin/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.click("#login-form [type=submit]")
    page.wait_for_selector("#content-main")


def screenshot(page, name: str) -> None:
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


def drop_files(page, selector: str, files: list[tuple[str, str, bytes]]) -> None:
    """Drop `files` (name, type, bytes) on `selector`, as dragging them from the desktop."""
    transfer = page.evaluate_handle(
        """(files) => {
            const transfer = new DataTransfer();
            for (const f of files) {
                transfer.items.add(new File([new Uint8Array(f.bytes)], f.name, {type: f.type}));
            }
            return transfer;
        }""",
        [{"name": n, "type": t, "bytes": list(b)} for n, t, b in files],
    )
    page.dispatch_event(selector, "dragover", {"dataTransfer": transfer})
    page.dispatch_event(selector, "drop", {"dataTransfer": transfer})


def test_drop_several_files_each_with_progress_and_its_reason(browser_page):
    page = browser_page
    editor = UserFactory(role="Editor", email="eve@example.com")
    log_in(page, editor.email)
    page.goto(page.base_url + "/admin/content/mediaasset/")
    expect(page.locator("#media-dropzone")).to_be_visible()
    screenshot(page, "media-library-empty")

    drop_files(
        page,
        "#media-dropzone",
        [
            ("harbour.png", "image/png", png(900, 600, (30, 90, 160))),
            ("meadow.png", "image/png", png(800, 500, (60, 160, 60))),
            ("logo.svg", "image/svg+xml", SVG),
        ],
    )
    rows = page.locator("#media-upload-list li")
    expect(rows).to_have_count(3)
    done = page.locator("#media-upload-list li[data-state=done]")
    expect(done).to_have_count(2)
    refused = page.locator("#media-upload-list li[data-state=refused]")
    expect(refused).to_have_count(1)
    expect(refused).to_contain_text("logo.svg")
    expect(refused).to_contain_text("Refused: SVG, XML and HTML files are not allowed.")
    for n in range(2):
        expect(done.nth(n).locator("progress")).to_have_js_property("value", 100)
    expect(done.first).to_contain_text("Uploaded as")
    expect(page.locator("#media-upload-done")).to_be_visible()
    screenshot(page, "media-upload-progress")
    assert sorted(MediaAsset.objects.values_list("title", flat=True)) == [
        "harbour.png",
        "meadow.png",
    ]

    page.click("#media-upload-done a")
    tiles = page.locator("#result_list.folio-media-grid tr.folio-media-tile")
    expect(tiles).to_have_count(2)
    # Each thumbnail is a crop made by the rendition service, and it loads.
    for n in range(2):
        image = tiles.nth(n).locator("img")
        expect(image).to_have_js_property("complete", True)
        assert image.evaluate("img => img.naturalWidth") == 400
    screenshot(page, "media-library-grid")
    page.click("nav.folio-layout >> text=List")
    expect(page.locator("#result_list.folio-media-grid")).to_have_count(0)
    expect(page.locator("#result_list")).to_contain_text("harbour.png")
    screenshot(page, "media-library-list")
    assert not [e for e in page.errors if "Failed to load resource" not in e], page.errors


def test_click_sets_the_focal_point_and_the_marker_stays_after_reload(browser_page):
    page = browser_page
    editor = UserFactory(role="Editor", email="eve@example.com")
    asset, _ = services.media_upload(
        actor=editor,
        file=SimpleUploadedFile("boat.png", landscape()),
        data={"title": "Red boat", "alt_text": "A red boat off a green hill"},
    )
    ArticleFactory(title="Sailing season", cover_image=asset.pk)
    log_in(page, editor.email)
    page.goto(page.base_url + f"/admin/content/mediaasset/{asset.pk}/change/")
    image = page.locator("#focal-point .folio-focal__image img")
    expect(image).to_have_js_property("complete", True)
    expect(page.locator("#focal-point .folio-focal__marker")).to_be_hidden()
    expect(page.locator("#where-used")).to_contain_text("Sailing season")

    box = image.bounding_box()
    # The boat: 515 px across 600, 170 down 300.
    image.click(position={"x": box["width"] * 515 / 600, "y": box["height"] * 170 / 300})
    status = page.locator("#focal-point-status")
    expect(status).to_have_text(re.compile(r"Focal point saved at 8[5-7]% across, 5[5-8]% down\."))
    asset.refresh_from_db()
    # Within a few pixels: the preview is drawn at the browser's scale.
    assert abs(asset.focal_point_x - 515) <= 4
    assert abs(asset.focal_point_y - 170) <= 4
    crop = page.locator("#focal-point .folio-focal__crop img")
    expect(crop).to_have_attribute("src", re.compile(r"focus=\d+"))
    expect(crop).to_have_js_property("complete", True)
    screenshot(page, "media-focal-point-set")

    page.reload()
    marker = page.locator("#focal-point .folio-focal__marker")
    expect(marker).to_be_visible()
    expect(status).to_have_text(re.compile(r"Focal point at 8[5-7]% across, 5[5-8]% down\."))
    marker_box, image_box = marker.bounding_box(), image.bounding_box()
    centre_x = marker_box["x"] + marker_box["width"] / 2 - image_box["x"]
    assert abs(centre_x / image_box["width"] - 515 / 600) < 0.02
    # The 4:3 crop of the 2:1 image keeps the boat: its middle right is red.
    crop_pixel = page.evaluate(
        """() => {
            const img = document.querySelector('#focal-point .folio-focal__crop img');
            const canvas = document.createElement('canvas');
            canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
            const ctx = canvas.getContext('2d');
            ctx.drawImage(img, 0, 0);
            const w = img.naturalWidth, h = img.naturalHeight;
            const x = Math.round(w * 0.78), y = Math.round(h * 0.57);
            return Array.from(ctx.getImageData(x, y, 1, 1).data);
        }"""
    )
    assert crop_pixel[0] > 150 > crop_pixel[1], crop_pixel
    screenshot(page, "media-focal-point-after-reload")

    page.click("text=Clear the focal point")
    expect(status).to_have_text("No focal point: crops keep the centre.")
    expect(marker).to_be_hidden()
    assert not [e for e in page.errors if "Failed to load resource" not in e], page.errors


def test_the_focal_point_from_the_keyboard(browser_page):
    """The image is a button in the tab order: the arrow keys move the marker (Shift: ten
    times further), the status says where it stands, and Enter or Space saves it."""
    page = browser_page
    editor = UserFactory(role="Editor", email="eve@example.com")
    asset, _ = services.media_upload(
        actor=editor,
        file=SimpleUploadedFile("boat.png", landscape()),
        data={"title": "Red boat", "alt_text": "A red boat off a green hill"},
    )
    log_in(page, editor.email)
    page.goto(page.base_url + f"/admin/content/mediaasset/{asset.pk}/change/")
    picker = page.locator("#focal-point .folio-focal__image")
    expect(picker).to_have_accessible_name(re.compile(r"Focal point of “Red boat”: arrow keys"))
    status = page.locator("#focal-point-status")
    marker = page.locator("#focal-point .folio-focal__marker")
    expect(marker).to_be_hidden()

    picker.focus()  # a <button>: in the tab order like any other
    expect(picker).to_be_focused()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    page.keyboard.press("Shift+ArrowDown")
    expect(status).to_have_text(
        "Focal point at 53% across, 60% down, not saved: press Enter to save it."
    )
    expect(marker).to_be_visible()
    asset.refresh_from_db()
    assert asset.focal_point_x is None  # moving is not saving

    page.keyboard.press("Enter")
    expect(status).to_have_text("Focal point saved at 53% across, 60% down.")
    asset.refresh_from_db()
    assert (asset.focal_point_x, asset.focal_point_y) == (318, 180)
    marker_box, image_box = marker.bounding_box(), picker.locator("img").bounding_box()
    centre_x = marker_box["x"] + marker_box["width"] / 2 - image_box["x"]
    assert abs(centre_x / image_box["width"] - 0.53) < 0.02
    screenshot(page, "media-focal-point-keyboard")

    # Further with Shift, saved with Space; the edge holds it.
    for _ in range(6):
        page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press(" ")
    expect(status).to_have_text("Focal point saved at 100% across, 60% down.")
    asset.refresh_from_db()
    assert asset.focal_point_x == 599
    assert not [e for e in page.errors if "Failed to load resource" not in e], page.errors


def test_the_dashboard_cards(browser_page):
    page = browser_page
    author = UserFactory(role="Author", email="ada@example.com")
    for title in ("Spring menu", "Harbour history", "Ferry timetable"):
        ArticleFactory(title=title, owner=author)
    ArticleFactory(title="Someone else's draft")
    ArticleFactory(title="Launch day", scheduled=True)
    ArticleFactory(title="Published piece", published=True)
    log_in(page, author.email)
    cards = page.locator("#dashboard-cards")
    expect(cards.locator("#card-my_drafts .folio-card__count")).to_have_text("3")
    expect(cards.locator("#card-my_drafts")).to_contain_text("Ferry timetable")
    expect(cards.locator("#card-my_drafts")).not_to_contain_text("Someone else")
    expect(cards.locator("#card-scheduled")).to_contain_text("Launch day")
    screenshot(page, "dashboard-author")

    page.goto(page.base_url + "/admin/governance/dashboard/")
    expect(page.locator("#publishing-chart")).to_contain_text("Items published per day")
    expect(page.locator("#publishing-chart text")).to_have_count(5)
    screenshot(page, "dashboard-governance")
    assert not [e for e in page.errors if "Failed to load resource" not in e], page.errors
