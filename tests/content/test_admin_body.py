"""Saving the body from the admin's change form, through the Django test client: the
form is posted as a browser posts it (a textarea's line ends as \\r\\n), so an untouched
save changes nothing, and a body the blocks cannot hold is refused with a message.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from content.blocks import CALLOUT_TONES
from tests.content.factories import ArticleFactory, make_image

pytestmark = pytest.mark.django_db


class _FormReader(HTMLParser):
    """What a browser submits for the form with `form_id`: its controls' current values."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.data = form_id, False, []
        self.textarea = self.select = None

    def handle_starttag(self, tag, attrs):
        attrs = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind not in ("submit", "button", "file", "image", "reset"):
                self.data.append((name, attrs.get("value", "")))
        elif tag == "textarea" and name:
            self.textarea = [name, ""]
        elif tag == "select" and name:
            self.select = name
        elif tag == "option" and self.select and "selected" in attrs:
            self.data.append((self.select, attrs.get("value", "")))

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self.textarea:
            name, value = self.textarea
            # The parser drops a newline right after <textarea>; a form posts \r\n.
            value = value.removeprefix("\n")
            self.data.append((name, value.replace("\r\n", "\n").replace("\n", "\r\n")))
            self.textarea = None
        elif tag == "select":
            self.select = None

    def handle_data(self, data):
        if self.textarea:
            self.textarea[1] += data


def as_browser_posts(response, form_id: str = "article_form", **overrides) -> dict:
    reader = _FormReader(form_id)
    reader.feed(response.content.decode())
    data: dict[str, list[str]] = {}
    for name, value in reader.data:
        data.setdefault(name, []).append(value)
    return {**data, **overrides, "_continue": "Save and continue editing"}


def every_block(image: int) -> list[dict]:
    return [
        {"type": "heading", "value": {"text": "Every block", "level": 2}},
        {"type": "paragraph", "value": {"text": "Edit <em>this</em> one"}},
        {"type": "paragraph", "value": {"text": 'A <a href="/x">link</a><br>two  spaces'}},
        {"type": "heading", "value": {"text": "Three", "level": 3}},
        {"type": "heading", "value": {"text": "Four", "level": 4}},
        {"type": "image", "value": {"image": image, "alt": "A cat", "caption": "Our cat"}},
        {"type": "image", "value": {"image": image}},
        {"type": "quote", "value": {"text": "Said <em>well</em>", "attribution": "Someone"}},
        {"type": "quote", "value": {"text": "Unattributed"}},
        {"type": "list", "value": {"style": "bulleted", "items": ["one", "<strong>two</strong>"]}},
        {"type": "list", "value": {"style": "numbered", "items": ["first", ""]}},
        {"type": "embed", "value": {"url": "https://www.youtube.com/watch?v=x&t=1"}},
        {"type": "code", "value": {"language": "python", "code": "def f():\n\n    return 1\n"}},
        {"type": "code", "value": {"code": "  indented\nlines"}},
        *(
            {"type": "callout", "value": {"tone": tone, "text": f"A {tone} note"}}
            for tone in CALLOUT_TONES
        ),
    ]


def change_url(article) -> str:
    return reverse("admin:content_article_change", args=[article.pk])


def test_an_untouched_save_changes_nothing(client, users):
    article = ArticleFactory(body=every_block(make_image().pk))
    article.refresh_from_db()
    before = (article.body, article.version, article.latest_revision_id)
    client.force_login(users["Editor"])
    page = client.get(change_url(article))
    data = as_browser_posts(page)
    assert "\r\n" in data["body"][0]  # between blocks, and in the code blocks
    response = client.post(change_url(article), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    assert (article.body, article.version, article.latest_revision_id) == before


def test_editing_one_paragraph_changes_only_that_block(client, users):
    article = ArticleFactory(body=every_block(make_image().pk))
    article.refresh_from_db()
    client.force_login(users["Editor"])
    page = client.get(change_url(article))
    data = as_browser_posts(page)
    data["body"] = [data["body"][0].replace("Edit <em>this</em> one", "Edit <em>this</em> one!")]
    response = client.post(change_url(article), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    expected = [dict(block) for block in article.body]
    expected[1] = {"type": "paragraph", "value": {"text": "Edit <em>this</em> one!"}}
    article.refresh_from_db()
    assert article.body == expected


@pytest.mark.parametrize(
    ("html", "message"),
    [
        (
            "<ul><li><p>one</p><ul><li><p>nested</p></li></ul></li></ul>",
            "Block 2 (list): a list item holds one line of text",
        ),
        (
            "<blockquote><p>one</p><p>two</p></blockquote>",
            "Block 2 (quote): a quote holds one paragraph",
        ),
        ("<table><tr><td>cell</td></tr></table>", "Block 2: a <table> cannot be kept"),
    ],
)
def test_a_body_the_blocks_cannot_hold_is_refused_with_a_message(client, users, html, message):
    body = [{"type": "paragraph", "value": {"text": "Hello"}}]
    article = ArticleFactory(body=body)
    client.force_login(users["Editor"])
    page = client.get(change_url(article))
    response = client.post(change_url(article), as_browser_posts(page, body=f"<p>Hi</p>{html}"))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["body"]
    assert any(error.startswith(message) for error in errors), errors
    assert message in response.content.decode().replace("&lt;", "<").replace("&gt;", ">")
    article.refresh_from_db()
    assert article.body == body
