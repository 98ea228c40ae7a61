"""An item's change form in the admin's theme: the header (status, version, owner, next
review, the actions the user may take), the tabs, and the read-only body as the reader
sees it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.content.factories import ArticleFactory, PageFactory
from tests.content.test_admin import form_data, login, url

pytestmark = pytest.mark.django_db

BODY = [
    {"type": "heading", "value": {"text": "Why it matters", "level": 2}},
    {"type": "paragraph", "value": {"text": "Plain <em>words</em>"}},
    {"type": "quote", "value": {"text": "Less is more.", "attribution": "Mies"}},
]


def tabs_of(html: str) -> list[str]:
    return re.findall(r'<a href="#tab-(\w+)" data-tab="\1"', html)


def header_of(html: str) -> dict[str, str]:
    header = html.split('id="entry-header"')[1].split("</header>")[0]
    facts = re.findall(r'data-header="(\w+)">(.*?)</dd>', header)
    return {key: re.sub(r"<[^>]+>", "", value).strip() for key, value in facts}


def test_the_header_says_where_the_item_stands_and_what_to_do(client, users):
    review = timezone.now() + timedelta(days=30)
    article = ArticleFactory(owner=users["Author"], next_review_at=review)
    html = login(client, users["Editor"]).get(url("article_change", article.pk)).content.decode()
    header = header_of(html)
    assert header["version"] == str(article.version)
    assert header["owner"] == str(users["Author"])
    assert header["review"] != "—"
    assert header["live"].startswith("not live")
    actions = html.split('id="entry-actions"')[1].split("</header>")[0]
    assert 'data-transition="publish"' in actions
    assert 'data-transition="schedule"' in actions
    assert "folio-badge--draft" in html.split('id="entry-header"')[1].split("</header>")[0]


def test_an_item_has_five_tabs_and_a_new_one_three(client, users):
    article = ArticleFactory()
    login(client, users["Editor"])
    html = client.get(url("article_change", article.pk)).content.decode()
    assert tabs_of(html) == ["content", "seo", "scheduling", "governance", "history"]
    for pane in ("content", "seo", "scheduling", "governance", "history"):
        assert f'data-tab-pane="{pane}"' in html
    seo = html.split('data-tab-pane="seo"')[1].split("data-tab-pane=")[0]
    assert 'name="seo_title"' in seo
    history = html.split('data-tab-pane="history"')[1]
    assert 'id="revision-history"' in history
    assert tabs_of(client.get(url("article_add")).content.decode()) == [
        "content",
        "seo",
        "scheduling",
    ]
    page = PageFactory()
    assert "governance" in tabs_of(client.get(url("page_change", page.pk)).content.decode())


def test_a_refused_save_opens_the_tab_with_the_error(client, users):
    article = ArticleFactory()
    login(client, users["Editor"])
    page = client.get(url("article_change", article.pk))
    response = client.post(url("article_change", article.pk), form_data(page, seo_title="x" * 300))
    assert response.status_code == 200
    html = response.content.decode()
    assert "folioTab: 'seo'" in html
    seo_tab = re.search(r'data-tab="seo"[^>]*>SEO (.*?)</a>', html).group(1)
    assert '<span class="folio-tabs__errors" data-tab-errors>1</span>' in seo_tab


def test_a_reviewer_reads_the_body_as_the_reader_sees_it(client, users):
    article = ArticleFactory(body=BODY)
    html = login(client, users["Reviewer"]).get(url("article_change", article.pk)).content.decode()
    assert "data-django-prose-editor" not in html  # no editor: the Reviewer cannot edit
    prose = html.split('class="prose folio-prose')[1].split("</div>")[0]
    assert "<h2>Why it matters</h2>" in prose
    assert "<p>Plain <em>words</em></p>" in prose
    assert "<footer>Mies</footer>" in prose
    # Only the header's "Changes" tools a Reviewer has: none to edit or publish.
    assert 'data-transition="publish"' not in html
