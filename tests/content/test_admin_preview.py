"""The change form's live preview: the panel posts the form as the editor types, and gets
Folio's rendering of the unsaved draft, or, with FRONTEND_PREVIEW_URL, the frontend's
preview address with a short-lived token the delivery preview endpoint resolves to that
draft. Nothing is ever saved: no revision, no new version, no audit row."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from content.models import Article, Locale, Revision
from governance.audit.models import AuditEvent
from tests.accounts.factories import UserFactory
from tests.content.factories import ArticleFactory, PageFactory, make_category, make_image
from tests.content.test_admin import login, url

pytestmark = pytest.mark.django_db

SITE = "https://site.example"
TEMPLATE = f"{SITE}/api/preview?token={{token}}&type={{type}}&slug={{slug}}"


def live_url(entry) -> str:
    return reverse(f"admin:content_{entry._meta.model_name}_preview_live", args=[entry.pk])


def open_form(client, entry):
    page = client.get(url(f"{entry._meta.model_name}_change", entry.pk))
    assert page.status_code == 200
    return page


def browser_data(page) -> dict:
    """What a browser posts of the change form as shown: each input's own name and value
    (a date-time's two inputs, a select's chosen options, a ticked checkbox)."""
    data = {}
    for field in page.context["adminform"].form:
        widget = field.field.widget
        while hasattr(widget, "widget"):  # the admin's "add another" wrapper
            widget = widget.widget
        shown = widget.get_context(field.html_name, field.value(), {})["widget"]
        for input_ in shown.get("subwidgets") or [shown]:
            if input_.get("type") == "checkbox":
                if input_["attrs"].get("checked"):
                    data[input_["name"]] = "on"
            elif input_["value"] is not None:
                data[input_["name"]] = input_["value"]
    return data


def preview(client, entry, page=None, **changes):
    """What the panel posts: the change form's current values with `changes` typed in."""
    data = browser_data(page or open_form(client, entry))
    return client.post(live_url(entry), {**data, **changes})


def nothing_written(entry, revisions: int, audit: int) -> None:
    stored = type(entry).objects.get(pk=entry.pk)
    assert Revision.objects.count() == revisions
    assert AuditEvent.objects.count() == audit
    assert (stored.title, stored.version, stored.body) == (entry.title, entry.version, entry.body)


# --- Folio's own rendering ----------------------------------------------------------------


def test_the_preview_renders_unsaved_changes_and_writes_nothing(client, users):
    image = make_image(title="Harbour")
    article = ArticleFactory(title="Saved title", summary="Saved lead", cover_image=image.pk)
    login(client, users["Editor"])
    page = open_form(client, article)
    revisions, audit = Revision.objects.count(), AuditEvent.objects.count()

    response = preview(
        client,
        article,
        page,
        title="Typed, not saved",
        summary="A lead the editor typed",
        body="<h2>Section</h2><p>A <strong>new</strong> paragraph</p>",
    )

    assert response.status_code == 200, response.content
    shown = response.json()
    assert shown["mode"] == "folio"
    assert shown["unsaved"] is True
    html = shown["html"]
    assert '<h1 class="pv-title">Typed, not saved</h1>' in html
    assert "A lead the editor typed" in html
    assert "<h2>Section</h2>\n<p>A <strong>new</strong> paragraph</p>" in html
    assert image.file.url in html  # the hero image
    assert "Saved title" not in html
    nothing_written(article, revisions, audit)


def test_an_untouched_form_shows_the_saved_draft(client, users):
    article = ArticleFactory(title="As saved")
    login(client, users["Editor"])
    shown = preview(client, article).json()
    assert shown["unsaved"] is False
    assert shown["revision"] == article.latest_revision.number
    assert "As saved" in shown["html"]


def test_what_the_body_holds_is_cleaned_as_a_save_would_clean_it(client, users):
    article = ArticleFactory()
    login(client, users["Editor"])
    body = '<p>Hi <a href="javascript:alert(1)" onclick="x()">there</a></p>'
    html = preview(client, article, body=body).json()["html"]
    assert "javascript:" not in html
    assert "onclick" not in html
    assert "there" in html


def test_a_page_previews_too(client, users):
    page = PageFactory(title="About us")
    login(client, users["Editor"])
    response = preview(client, page, title="About the team")
    assert response.status_code == 200
    assert "About the team" in response.json()["html"]


def test_the_panel_is_on_the_change_form_only(client, users):
    article = ArticleFactory()
    login(client, users["Editor"])
    html = open_form(client, article).content.decode()
    assert f'data-url="{live_url(article)}"' in html
    assert 'data-mode="folio"' in html
    assert "content/preview_panel.js" in html
    assert "folio-preview" not in client.get(url("article_add")).content.decode()
    # An item in the trash has no draft to preview (the endpoint refuses it): no panel.
    trashed = ArticleFactory(trashed=True)
    assert "folio-preview" not in open_form(client, trashed).content.decode()


# --- Bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": ""}, "title", "This field is required."),
        ({"slug": "not a slug"}, "slug", "letters, numbers, underscores or hyphens"),
        ({"body": "<table><tr><td>x</td></tr></table>"}, "body", "cannot be kept"),
        ({"category": "999999"}, "category", "Select a valid choice"),
    ],
)
def test_invalid_input_answers_400_with_the_forms_errors(client, users, changes, field, message):
    article = ArticleFactory()
    login(client, users["Editor"])
    revisions, audit = Revision.objects.count(), AuditEvent.objects.count()
    response = preview(client, article, **changes)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert any(message in m for m in error["details"][field]), error
    nothing_written(article, revisions, audit)


def test_a_service_refusal_is_a_400_on_its_field(client, users):
    """What only the service checks (a category of another locale) shows like a form error."""
    french = Locale.objects.create(code="fr", name="Français")
    nouvelles = make_category("Nouvelles", locale=french)
    article = ArticleFactory()
    login(client, users["Editor"])
    response = preview(client, article, category=str(nouvelles.pk))
    assert response.status_code == 400
    assert response.json()["error"]["details"]["category"] == [
        "The category belongs to another locale."
    ]


def test_only_post_is_answered_and_unknown_items_are_404(client, users):
    article = ArticleFactory()
    login(client, users["Editor"])
    assert client.get(live_url(article)).status_code == 405
    missing = reverse("admin:content_article_preview_live", args=[999999])
    response = client.post(missing, {})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


# --- Who may preview ----------------------------------------------------------------------


def test_staff_without_permission_on_the_item_get_403(client, users):
    article = ArticleFactory()
    login(client, UserFactory(is_staff=True))  # staff, no role
    response = client.post(live_url(article), {"title": "Anything"})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_signed_out_users_are_sent_to_the_login_page(client):
    article = ArticleFactory()
    response = client.post(live_url(article), {"title": "Anything"})
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_those_who_may_only_view_the_item_preview_its_saved_draft(client, users):
    """A reviewer (or an Author on someone else's item) has a read-only form: the panel
    shows the latest revision, whatever is posted."""
    article = ArticleFactory(title="Under review")
    for role in ("Reviewer", "Viewer", "Author"):
        login(client, users[role])
        response = client.post(live_url(article), {"title": "Not theirs to change"})
        assert response.status_code == 200, role
        shown = response.json()
        assert shown["unsaved"] is False
        assert "Under review" in shown["html"]
        assert "Not theirs to change" not in shown["html"]


def test_an_author_previews_their_own_draft_as_typed(client, users):
    author = users["Author"]
    article = ArticleFactory(owner=author)
    login(client, author)
    response = preview(client, article, title="My next version")
    assert response.status_code == 200
    assert "My next version" in response.json()["html"]


def test_a_trashed_item_is_not_previewed(client, users):
    article = ArticleFactory(trashed=True)
    login(client, users["Editor"])
    response = client.post(live_url(article), {})
    assert response.status_code == 400
    assert "trash" in response.json()["error"]["message"]


# --- With a frontend (FRONTEND_PREVIEW_URL) ------------------------------------------------


@pytest.fixture
def frontend(settings):
    settings.FRONTEND_PREVIEW_URL = TEMPLATE
    return settings


def token_of(address: str) -> str:
    return parse_qs(urlsplit(address).query)["token"][0]


def test_the_frontend_gets_a_token_for_the_unsaved_draft(client, users, api_client, frontend):
    article = ArticleFactory(title="Saved title")
    login(client, users["Editor"])
    page = open_form(client, article)
    revisions, audit = Revision.objects.count(), AuditEvent.objects.count()

    response = preview(client, article, page, title="Typed title", body="<p>Typed words</p>")

    assert response.status_code == 200, response.content
    shown = response.json()
    assert shown["mode"] == "frontend"
    parts = urlsplit(shown["url"])
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{SITE}/api/preview"
    query = parse_qs(parts.query)
    assert query["type"] == ["article"]
    assert query["slug"] == [article.slug]
    # The frontend reads the draft with the token, in the delivery shape.
    delivered = api_client.get(f"/api/v1/delivery/preview/{query['token'][0]}/")
    assert delivered.status_code == 200
    assert delivered["Cache-Control"] == "private, no-store"
    item = delivered.json()
    assert item["title"] == "Typed title"
    assert item["body"] == [{"type": "paragraph", "value": {"text": "Typed words"}}]
    assert item["id"] == article.pk
    nothing_written(article, revisions, audit)
    assert Article.objects.get(pk=article.pk).title == "Saved title"


def test_a_draft_token_stops_working_once_replaced_or_expired(client, users, api_client, frontend):
    article = ArticleFactory()
    login(client, users["Editor"])
    page = open_form(client, article)
    first = token_of(preview(client, article, page, title="First").json()["url"])
    second = token_of(preview(client, article, page, title="Second").json()["url"])

    replaced = api_client.get(f"/api/v1/delivery/preview/{first}/")
    assert replaced.status_code == 400
    assert "replaced" in replaced.json()["error"]["message"]
    assert api_client.get(f"/api/v1/delivery/preview/{second}/").json()["title"] == "Second"
    tampered = api_client.get(f"/api/v1/delivery/preview/{second[:-2]}xx/")
    assert tampered.status_code == 400

    frontend.CONTENT_PREVIEW_DRAFT_MAX_AGE = -1
    assert api_client.get(f"/api/v1/delivery/preview/{second}/").status_code == 400


def test_each_editor_has_their_own_draft(client, users, api_client, frontend):
    article = ArticleFactory()
    login(client, users["Editor"])
    mine = token_of(preview(client, article, title="The editor's").json()["url"])
    login(client, users["Administrator"])
    preview(client, article, title="The administrator's")
    assert api_client.get(f"/api/v1/delivery/preview/{mine}/").json()["title"] == "The editor's"


def test_a_draft_of_a_trashed_item_is_refused(client, users, api_client, frontend):
    from content import services

    article = ArticleFactory()
    login(client, users["Editor"])
    token = token_of(preview(client, article, title="Soon gone").json()["url"])
    services.entry_trash(entry=article, actor=None)
    response = api_client.get(f"/api/v1/delivery/preview/{token}/")
    assert response.status_code == 400
    assert "trash" in response.json()["error"]["message"]


def test_the_change_form_may_frame_the_frontend_and_nothing_else(client, users, settings):
    article = ArticleFactory()
    login(client, users["Editor"])

    def frame_src() -> str | None:
        policy = open_form(client, article)["Content-Security-Policy"]
        found = [d.strip() for d in policy.split(";") if d.strip().startswith("frame-src")]
        return found[0] if found else None

    assert frame_src() is None  # no frontend: default-src 'self' applies
    settings.FRONTEND_PREVIEW_URL = TEMPLATE
    assert frame_src() == f"frame-src 'self' {SITE}"
    assert 'data-mode="frontend"' in open_form(client, article).content.decode()
    # A path is on the item's own frontend: each locale's site may be framed.
    settings.FRONTEND_PREVIEW_URL = "/preview/{token}/"
    settings.FRONTEND_BASE_URL = "https://www.example.com"
    settings.FRONTEND_BASE_URLS = {"fr": "https://fr.example.com/fr"}
    assert frame_src() == "frame-src 'self' https://fr.example.com https://www.example.com"
    # Other admin pages frame nothing.
    changelist = client.get(url("article_changelist"))["Content-Security-Policy"]
    assert "frame-src" not in changelist


def test_the_preview_link_fills_in_every_placeholder(editor, settings):
    from content import services

    article = ArticleFactory(title="Hello there")
    settings.FRONTEND_PREVIEW_URL = (
        "https://site.example/preview/{type}/{locale}/{id}?slug={slug}&token={token}"
    )
    link = services.preview_link_create(entry=article, actor=editor)
    assert link["url"] == (
        f"https://site.example/preview/article/en/{article.pk}"
        f"?slug=hello-there&token={link['token']}"
    )


# --- A type defined as data ------------------------------------------------------------------


def test_a_runtime_types_own_fields_show_in_the_preview(client):
    from content.models import Entry
    from tests.runtime.test_admin import ADD_TYPE, definition_post, errors_of

    login(client, UserFactory(role="Administrator"))
    rows = [
        {"api_id": "headline", "kind": "text", "required": "on"},
        {"api_id": "seats", "kind": "integer", "label": "Seats left"},
        {"api_id": "story", "kind": "rich_text"},
    ]
    made = client.post(
        ADD_TYPE, definition_post(rows, name="Recital", api_id="recital", title_api_id="headline")
    )
    assert made.status_code == 302, errors_of(made)
    added = client.post(
        reverse("admin:entries_recital_add"), {"headline": "Night", "seats": "120", "_save": "Save"}
    )
    assert added.status_code == 302
    entry = Entry.objects.get(title="Night")
    page = client.get(reverse("admin:entries_recital_change", args=[entry.pk]))
    data = {**browser_data(page), "headline": "Late night"}
    data["story"] = "<p>Doors at <strong>nine</strong></p>"
    revisions = Revision.objects.count()

    response = client.post(reverse("admin:entries_recital_preview_live", args=[entry.pk]), data)

    assert response.status_code == 200, response.content
    html = response.json()["html"]
    assert '<h1 class="pv-title">Late night</h1>' in html
    assert "<dt>Seats left</dt>" in html
    assert "120" in html
    assert "<p>Doors at <strong>nine</strong></p>" in html
    assert Revision.objects.count() == revisions
