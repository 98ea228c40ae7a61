"""The admin's body editor keeps every block: an article made through the API, holding
every block type with every field, survives an untouched save and an edit of one
paragraph, as the API sees it afterwards; and an editor can make a callout, an embed and
a quote with its attribution with the editor's own buttons.
"""

from __future__ import annotations

import copy
import io
import re

import pytest
from PIL import Image

from content.blocks import CALLOUT_TONES
from content.models import Article
from tests.accounts.factories import PASSWORD, UserFactory
from tests.e2e.test_editorial_flow import log_in

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

EDITOR = "eve@example.com"
TYPED = " and one more word"
EDITED = "Type at the end of this paragraph"


def every_block(image: int) -> list[dict]:
    """Every block type, every field, and the inline markup and spacing they may hold."""
    return [
        {"type": "heading", "value": {"text": "Every block there is", "level": 2}},
        {"type": "paragraph", "value": {"text": EDITED}},
        {
            "type": "paragraph",
            "value": {
                "text": 'Inline: <strong>bold</strong>, <em>italic</em>, <a href="/about/">a link'
                "</a>, <code>code</code>, <s>struck</s>, H<sub>2</sub>O, x<sup>2</sup>, "
                '<em><strong>nested</strong> marks</em> and <a href="https://example.com/?a=1'
                '&amp;b=2"><code>linked code</code></a>.'
            },
        },
        {"type": "paragraph", "value": {"text": "A line<br>and a break,  two spaces &amp; &lt;"}},
        {"type": "heading", "value": {"text": "Level three", "level": 3}},
        {"type": "heading", "value": {"text": "Level <em>four</em>", "level": 4}},
        {"type": "image", "value": {"image": image, "alt": "A blue square", "caption": "Blue"}},
        {"type": "image", "value": {"image": image}},
        {"type": "quote", "value": {"text": "Said <em>well</em>", "attribution": "Someone"}},
        {"type": "quote", "value": {"text": "Said by nobody in particular"}},
        {
            "type": "list",
            "value": {"style": "bulleted", "items": ["One", "<strong>Two</strong>", "3<br>"]},
        },
        {"type": "list", "value": {"style": "numbered", "items": ['<a href="/1/">First</a>']}},
        {"type": "embed", "value": {"url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42"}},
        {"type": "code", "value": {"language": "python", "code": "def f():\n\n    return 1\n"}},
        {"type": "code", "value": {"code": "  indented\r\nwith a CRLF\n\tand a tab"}},
        *(
            {"type": "callout", "value": {"tone": tone, "text": f"A <em>{tone}</em> callout"}}
            for tone in CALLOUT_TONES
        ),
    ]


def blue_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 200), (30, 90, 200)).save(buffer, format="PNG")
    return buffer.getvalue()


class Api:
    """The management API over HTTP, as a frontend or an integration uses it."""

    def __init__(self, page, email: str):
        self.request, self.base = page.request, page.base_url + "/api/v1/"
        response = self.request.post(
            self.base + "auth/token/", data={"email": email, "password": PASSWORD}
        )
        assert response.ok, response.text()
        self.headers = {"Authorization": f"Bearer {response.json()['access']}"}

    def get(self, path: str) -> dict:
        response = self.request.get(self.base + path, headers=self.headers)
        assert response.ok, response.text()
        return response.json()

    def post(self, path: str, **kwargs) -> dict:
        response = self.request.post(self.base + path, headers=self.headers, **kwargs)
        assert response.status == 201, response.text()
        return response.json()


def save(page) -> None:
    page.click("[name=_continue]")
    expect(page.locator(".messagelist .success")).to_contain_text("was changed successfully")


def test_every_block_survives_the_editor(browser_page):
    page = browser_page
    UserFactory(role="Editor", email=EDITOR, full_name="Eve Editor")
    api = Api(page, EDITOR)
    image = api.post(
        "media/",
        multipart={
            "file": {"name": "blue.png", "mimeType": "image/png", "buffer": blue_png()},
            "alt_text": "A blue square",
        },
    )
    created = api.post("articles/", data={"title": "Every block", "body": every_block(image["id"])})
    stored = api.get(f"articles/{created['id']}/")
    assert [block["type"] for block in stored["body"]] == [
        block["type"] for block in every_block(image["id"])
    ]

    # 1. Opened and saved without a change: the body comes back exactly as it was.
    log_in(page, EDITOR)
    page.goto(f"{page.base_url}/admin/content/article/{created['id']}/change/")
    editor = page.locator(".ProseMirror[contenteditable=true]")
    expect(editor.locator("aside.callout-danger")).to_be_visible()
    page.shot("every-block-opened")
    save(page)
    untouched = api.get(f"articles/{created['id']}/")
    assert untouched["body"] == stored["body"]
    assert untouched["version"] == stored["version"]  # no new revision, no diff

    # 2. One word typed at the end of one paragraph: only that paragraph changes.
    editor.locator("p", has_text=EDITED).click()
    page.keyboard.press("End")
    page.keyboard.type(TYPED)
    expect(page.locator("#id_body")).to_have_value(re.compile(re.escape(TYPED)))
    page.shot("every-block-edited")
    save(page)
    after = api.get(f"articles/{created['id']}/")
    expected = copy.deepcopy(stored["body"])
    expected[1]["value"]["text"] = EDITED + TYPED
    assert after["body"] == expected
    assert after["version"] == stored["version"] + 1
    assert not [e for e in page.errors if "favicon" not in e and "to load resource" not in e]


def test_an_editor_makes_a_callout_an_embed_and_a_quote(browser_page):
    page = browser_page
    UserFactory(role="Editor", email=EDITOR, full_name="Eve Editor")
    log_in(page, EDITOR)
    page.goto(page.base_url + "/admin/content/article/add/")
    page.fill("#id_title", "Made in the editor")
    editor = page.locator(".ProseMirror[contenteditable=true]")
    dialog = page.locator("dialog.prose-editor-dialog")
    editor.click()

    # A callout: write the line, then make it a warning.
    page.keyboard.type("Mind the gap.")
    page.click(".prose-menubar [title='Callout']")
    dialog.locator("select[name=tone]").select_option("warning")
    page.shot("callout-dialog")
    dialog.get_by_role("button", name="Insert").click()
    expect(editor.locator("aside.callout-warning")).to_have_text("Mind the gap.")
    page.keyboard.press("Enter")

    # A quote: the line becomes the quote; the dialog asks who said it.
    page.keyboard.type("To be, or not to be.")
    page.click(".prose-menubar [title='Quote']")
    dialog.locator("input[name=attribution]").fill("Hamlet")
    dialog.get_by_role("button", name="Insert").click()
    expect(editor.locator("blockquote footer")).to_have_text("Hamlet")
    page.keyboard.press("Enter")  # on to the attribution
    page.keyboard.type(", Prince of Denmark")
    page.keyboard.press("Enter")  # and out of the quote

    # An embed: its address.
    page.click(".prose-menubar [title='Embed']")
    dialog.locator("input[name=url]").fill("https://vimeo.com/76979871")
    dialog.get_by_role("button", name="Insert").click()
    expect(editor.locator(".folio-embed")).to_contain_text("https://vimeo.com/76979871")
    page.shot("made-in-the-editor")

    page.click("[name=_continue]")
    expect(page.locator(".messagelist .success")).to_contain_text("was added successfully")
    article = Article.objects.get(title="Made in the editor")
    assert article.body == [
        {"type": "callout", "value": {"tone": "warning", "text": "Mind the gap."}},
        {
            "type": "quote",
            "value": {"text": "To be, or not to be.", "attribution": "Hamlet, Prince of Denmark"},
        },
        {"type": "embed", "value": {"url": "https://vimeo.com/76979871"}},
    ]
    # Opened again, each comes back as the same node.
    expect(editor.locator("aside.callout-warning")).to_have_text("Mind the gap.")
    expect(editor.locator("blockquote footer")).to_have_text("Hamlet, Prince of Denmark")
    expect(editor.locator(".folio-embed")).to_contain_text("https://vimeo.com/76979871")
    assert not [e for e in page.errors if "favicon" not in e and "to load resource" not in e]
