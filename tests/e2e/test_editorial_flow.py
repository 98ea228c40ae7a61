"""The editorial flow in a real browser: an Author writes an article with an image in its
body (uploaded through the editor's image chooser), saves it twice, sees its revisions and
submits it for review, and is never offered Publish; a Reviewer approves it (the seeded
"Standard review" workflow needs an approval before anything is published), and an Editor
publishes it.
"""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image, ImageDraw

from content.models import Article, MediaAsset, Status
from tests.accounts.factories import PASSWORD, UserFactory

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sunrise_png(path) -> str:
    image = Image.new("RGB", (640, 400), (30, 120, 200))
    ImageDraw.Draw(image).ellipse((200, 80, 440, 320), fill=(250, 200, 40))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    path.write_bytes(buffer.getvalue())
    return str(path)


def log_in(page, email: str) -> None:
    page.goto(page.base_url + "/admin/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.click("#login-form [type=submit]")
    page.wait_for_selector("#content-main")


def log_out(page) -> None:
    # Log out is in the user menu at the foot of the sidebar.
    page.click("[x-data*=openUserLinks] > div")
    page.click("#logout-form button")
    page.wait_for_selector("text=Logged out")


def test_author_writes_and_submits_editor_publishes(browser_page, tmp_path):
    page = browser_page
    author = UserFactory(role="Author", email="ada@example.com", full_name="Ada Author")
    UserFactory(role="Editor", email="eve@example.com", full_name="Eve Editor")
    UserFactory(role="Reviewer", email="rex@example.com", full_name="Rex Reviewer")

    # 1. The Author signs in and starts an article.
    log_in(page, author.email)
    page.shot("author-dashboard")
    page.goto(page.base_url + "/admin/content/article/add/")
    page.fill("#id_title", "Sunrise over the bay")
    editor = page.locator(".ProseMirror[contenteditable=true]")
    editor.click()
    page.keyboard.type("The morning light came in over the water.")
    page.keyboard.press("Enter")

    # 2. An image in the body: the figure button, "Browse...", upload in the image chooser
    # (a modal over the page: no popup window).
    page.on("popup", lambda popup: pytest.fail(f"a popup window opened: {popup.url}"))
    page.click(".prose-menubar [title='figure']")
    dialog = page.locator("dialog.prose-editor-dialog")
    dialog.get_by_role("button", name="Browse...").click()
    chooser = page.locator("[data-chooser-images] dialog")
    expect(chooser).to_be_visible()
    upload = chooser.locator("[data-chooser-upload]")
    upload.locator("[data-upload-file]").set_input_files(sunrise_png(tmp_path / "sun.png"))
    upload.locator("[data-upload-alt]").fill("A yellow sun over blue water")
    upload.locator("[data-upload-submit]").click()
    # The chooser hands the upload back and closes; wait for what the author sees (the
    # image's address in the dialog), however long the upload takes on a busy machine.
    expect(chooser).to_be_hidden()
    expect(dialog.locator("input[name=imageUrl]")).to_have_value(re.compile(r"^/media/"))
    expect(dialog.locator("input[name=altText]")).to_have_value("A yellow sun over blue water")
    dialog.locator("input[name=caption]").fill("First light")
    page.shot("author-image-dialog")
    dialog.get_by_role("button", name="Insert").click()
    page.wait_for_selector(".ProseMirror[contenteditable=true] figure img[data-media-id]")
    page.shot("author-article-with-image")

    # 3. Save, edit, save again: two revisions in the history.
    page.click("[name=_continue]")
    page.wait_for_selector("text=was added successfully")
    page.click("[data-tab=history]")  # the revisions are in their own tab
    page.wait_for_selector("#revision-history")
    page.click("[data-tab=content]")
    page.fill("#id_summary", "How the light arrives.")
    page.fill("#id_revision_message", "Added a summary")
    page.click("[name=_continue]")
    page.wait_for_selector("text=was changed successfully")
    page.click("[data-tab=history]")
    page.wait_for_selector("#revision-history tr[data-revision='2']")
    history = page.locator("#revision-history").inner_text()
    assert "Added a summary" in history
    assert "Created" in history
    page.shot("author-revisions")

    # 4. No Publish for an Author; Submit for review is there.
    assert page.locator("[data-transition=publish]").count() == 0
    assert page.locator("[data-transition=schedule]").count() == 0
    page.click("[data-transition=submit]")
    page.wait_for_selector("text=was submitted for review")
    assert page.locator("[data-transition=publish]").count() == 0
    page.shot("author-submitted")
    log_out(page)

    # 5. A Reviewer approves the submitted revision; reviewers cannot publish either.
    log_in(page, "rex@example.com")
    page.goto(page.base_url + "/admin/content/article/")
    page.click("text=Sunrise over the bay")
    assert page.locator("[data-transition=publish]").count() == 0
    page.click("[data-transition=approve]")
    page.wait_for_selector("text=was approved")
    page.shot("reviewer-approved")
    log_out(page)

    # 6. The Editor publishes it.
    log_in(page, "eve@example.com")
    page.goto(page.base_url + "/admin/content/article/")
    page.click("text=Sunrise over the bay")
    page.wait_for_selector("[data-transition=publish]")
    page.shot("editor-before-publish")
    page.click("[data-transition=publish]")
    page.wait_for_selector("text=was published")
    page.wait_for_selector(".folio-badge--published")
    page.shot("editor-published")

    article = Article.objects.get(title="Sunrise over the bay")
    assert article.status == Status.PUBLISHED
    assert article.live_revision_id == article.latest_revision_id
    image = MediaAsset.objects.get(alt_text="A yellow sun over blue water")
    images = [block["value"] for block in article.body if block["type"] == "image"]
    assert images == [{"image": image.pk, "alt": image.alt_text, "caption": "First light"}]
    assert not [e for e in page.errors if "Content Security Policy" in e], page.errors
