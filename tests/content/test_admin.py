"""The editors' admin, through the Django test client: what each role sees and may do.

Every write in the admin goes through content.services, so these tests check what a
user notices: which buttons and actions are offered, what a refusal says, and that a
refused request changed nothing.
"""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import ROLE_NAMES
from content import services
from content.models import Article, MediaAsset, Page, Status
from tests.content.bulk_helpers import bulk_post
from tests.content.factories import (
    ArticleFactory,
    PageFactory,
    make_category,
    make_image,
    png_bytes,
)

pytestmark = pytest.mark.django_db

CHANGELISTS = ["article", "page", "mediaasset", "category", "tag", "locale", "redirect"]


def url(name: str, *args) -> str:
    return reverse(f"admin:content_{name}", args=args)


def login(client, user):
    client.force_login(user)
    return client


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def form_data(response, **overrides) -> dict:
    """What the browser would post back: the change form's current values, plus overrides."""
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        data[name] = [str(v) for v in value] if isinstance(value, list | tuple) else value
    return {**data, **overrides, "_save": "Save"}


def seed(n: int, owner) -> None:
    for i in range(n):
        article = ArticleFactory(owner=owner, title=f"Seed {i}")
        PageFactory(title=f"Seed page {i}")
        make_image(title=f"Seed image {i}")
        if i % 2:
            services.entry_publish(entry=article, actor=None)
    make_category(name=f"Category {n}")


# --- Changelists -------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_changelists_load_for_every_role_in_constant_queries(client, users, role):
    login(client, users[role])
    seed(2, users["Author"])
    baseline = {}
    for model in CHANGELISTS:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(f"{model}_changelist")).status_code == 200
        baseline[model] = len(queries)
    seed(8, users["Author"])  # four times the rows: the query count must not grow
    for model in CHANGELISTS:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url(f"{model}_changelist"))
        assert response.status_code == 200
        assert len(queries) <= baseline[model], (model, len(queries), baseline[model])


def test_article_changelist_never_counts_the_whole_table(client, users):
    login(client, users["Editor"])
    seed(3, users["Author"])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url("article_changelist"))
    assert response.status_code == 200
    sql = [q["sql"].upper() for q in queries]
    counts = [s for s in sql if "COUNT(" in s]
    assert counts, "the paginator counts, but boundedly"
    assert all("LIMIT" in s for s in counts), counts
    assert not any("DISTINCT" in s and "UPDATED_AT" in s for s in sql), "date hierarchy scans"


def test_article_changelist_sorts_only_by_indexed_columns(client, users):
    login(client, users["Editor"])
    for title in ("Banana", "Apple", "Cherry"):
        ArticleFactory(title=title)
    response = client.get(url("article_changelist") + "?o=1")  # title, ascending
    titles = [article.title for article in response.context["cl"].result_list]
    assert titles == ["Apple", "Banana", "Cherry"]
    headers = {str(h["text"]).lower(): h["sortable"] for h in response.context["result_headers"]}
    assert headers["title"]
    assert headers["updated at"]
    assert not headers["status"]  # filters instead of a sort over every row
    assert not headers["owner"]


def test_changelist_shows_status_badges_and_hides_the_trash(client, users):
    login(client, users["Editor"])
    live = ArticleFactory(title="Live one", published=True)
    ArticleFactory(title="Binned", trashed=True)
    html = client.get(url("article_changelist")).content.decode()
    assert "folio-badge--published" in html
    assert live.title in html
    assert "Binned" not in html
    assert "Trash (1)" in html
    trash = client.get(url("article_changelist") + "?trash=only").content.decode()
    assert "Binned" in trash
    assert "Live one" not in trash


# --- Authors cannot publish; editors can --------------------------------------------------


def test_author_is_not_offered_publish(client, users):
    author = users["Author"]
    article = ArticleFactory(owner=author)
    login(client, author)
    html = client.get(url("article_change", article.pk)).content.decode()
    assert 'data-transition="submit"' in html
    assert 'data-transition="publish"' not in html
    assert 'data-transition="schedule"' not in html
    changelist = client.get(url("article_changelist"))
    actions = dict(changelist.context["action_form"].fields["action"].choices)
    assert "bulk_submit" in actions
    assert "bulk_publish" not in actions
    assert "bulk_schedule" not in actions


def test_author_publishing_directly_is_refused(client, users):
    author = users["Author"]
    article = ArticleFactory(owner=author)
    login(client, author)
    response = client.post(url("article_transition", article.pk, "publish"), follow=True)
    assert any("permission" in m for m in messages_of(response)), messages_of(response)
    action = client.post(
        url("article_changelist"), {"action": "bulk_publish", "_selected_action": [article.pk]}
    )
    assert action.status_code in (200, 302)
    article.refresh_from_db()
    assert article.status == Status.DRAFT
    assert article.live_revision_id is None


def test_author_submits_own_draft_then_cannot_edit_it(client, users):
    author = users["Author"]
    article = ArticleFactory(owner=author)
    login(client, author)
    response = client.post(url("article_transition", article.pk, "submit"), follow=True)
    assert any("submitted for review" in m for m in messages_of(response))
    article.refresh_from_db()
    assert article.status == Status.IN_REVIEW
    page = client.get(url("article_change", article.pk))
    assert page.context["has_change_permission"] is False  # read-only while in review
    assert 'data-transition="publish"' not in page.content.decode()


def test_editor_publishes_from_the_change_form_and_in_bulk(
    client, users, django_capture_on_commit_callbacks
):
    editor = users["Editor"]
    one, two, three = ArticleFactory(in_review=True), ArticleFactory(), ArticleFactory()
    login(client, editor)
    html = client.get(url("article_change", one.pk)).content.decode()
    assert 'data-transition="publish"' in html
    response = client.post(url("article_transition", one.pk, "publish"), follow=True)
    assert any("was published" in m for m in messages_of(response))
    response = bulk_post(
        client,
        Article,
        "publish",
        ids=[one.pk, two.pk, three.pk],
        capture=django_capture_on_commit_callbacks,
    )
    state = response.context["state"]
    assert (state["succeeded"], state["refused"]) == (2, 1)
    assert "already published" in state["refusals"][0]["reasons"][0]  # the refusal, per item
    for article in (one, two, three):
        article.refresh_from_db()
        assert article.status == Status.PUBLISHED
        assert article.live_revision_id is not None


def test_bulk_schedule_asks_for_a_time_then_schedules(
    client, users, django_capture_on_commit_callbacks
):
    article = ArticleFactory()
    login(client, users["Editor"])
    ask = bulk_post(client, Article, "schedule", ids=[article.pk], apply=False)
    assert ask.status_code == 200
    assert b"Publish at" in ask.content
    response = bulk_post(
        client,
        Article,
        "schedule",
        ids=[article.pk],
        capture=django_capture_on_commit_callbacks,
        publish_at_0="2099-01-01",
        publish_at_1="10:00:00",
    )
    assert (response.context["state"]["succeeded"], response.context["state"]["refused"]) == (1, 0)
    article.refresh_from_db()
    assert article.status == Status.SCHEDULED
    assert article.publish_at.year == 2099


# --- Saving: body editor, versions --------------------------------------------------------


def test_saving_the_form_turns_editor_html_into_blocks_with_media_ids(client, users):
    author = users["Author"]
    image = make_image(title="Sunrise")
    article = ArticleFactory(owner=author)
    login(client, author)
    page = client.get(url("article_change", article.pk))
    body = (
        "<h2>Intro</h2><p>Hello <strong>world</strong></p>"
        f'<figure><img src="/whatever.png" alt="Sun" data-media-id="{image.pk}">'
        "<figcaption>Morning</figcaption></figure>"
    )
    data = form_data(page, title="Edited", body=body, revision_message="Added a picture")
    response = client.post(url("article_change", article.pk), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    assert article.title == "Edited"
    assert article.body[0] == {"type": "heading", "value": {"text": "Intro", "level": 2}}
    assert article.body[2]["value"] == {"image": image.pk, "alt": "Sun", "caption": "Morning"}
    assert article.latest_revision.message == "Added a picture"
    assert article.version == page.context["original"].version + 1


def test_an_image_not_from_the_library_is_refused_not_dropped(client, users):
    article = ArticleFactory()
    login(client, users["Editor"])
    page = client.get(url("article_change", article.pk))
    data = form_data(page, body='<p>Hi</p><img src="https://evil.example/x.png">')
    response = client.post(url("article_change", article.pk), data)
    assert response.status_code == 200
    assert "media library" in str(response.context["adminform"].form.errors["body"])
    article.refresh_from_db()
    assert article.body == [{"type": "paragraph", "value": {"text": "Hello"}}]


def test_a_stale_save_is_refused_with_a_message_and_saves_nothing(client, users):
    editor = users["Editor"]
    article = ArticleFactory(title="Original")
    login(client, editor)
    page = client.get(url("article_change", article.pk))  # the editor opens version N
    services.entry_update(entry=article, actor=None, data={"title": "Theirs"})  # N+1
    response = client.post(url("article_change", article.pk), form_data(page, title="Mine"))
    assert response.status_code == 200
    errors = response.context["adminform"].form.non_field_errors()
    assert any("your changes were NOT saved" in e for e in errors), errors
    assert "your changes were NOT saved" in response.content.decode()
    article.refresh_from_db()
    assert article.title == "Theirs"


def test_the_body_field_shows_html_not_json(client, users):
    body = [{"type": "paragraph", "value": {"text": "Plain <em>words</em>"}}]
    article = ArticleFactory(body=body)
    login(client, users["Editor"])
    html = client.get(url("article_change", article.pk)).content.decode()
    assert "&lt;p&gt;Plain &lt;em&gt;words&lt;/em&gt;&lt;/p&gt;" in html  # the textarea's HTML
    assert "&quot;paragraph&quot;" not in html
    assert "data-django-prose-editor-configurable" in html


def test_the_editor_runs_under_csp_with_a_nonce(client, users):
    article = ArticleFactory()
    login(client, users["Editor"])
    response = client.get(url("article_change", article.pk))
    policy = response["Content-Security-Policy"]
    nonce = policy.split("'nonce-")[1].split("'")[0]
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert f'<script type="importmap" nonce="{nonce}">' in response.content.decode()


def test_creating_an_article_through_the_form(client, users):
    author = users["Author"]
    login(client, author)
    page = client.get(url("article_add"))
    data = form_data(page, title="Brand new", body="<p>First words</p>")
    response = client.post(url("article_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get(title="Brand new")
    assert article.owner == author
    assert article.slug == "brand-new"
    assert article.body == [{"type": "paragraph", "value": {"text": "First words"}}]


def test_pages_are_created_under_a_parent(client, users):
    parent = PageFactory(title="About")
    login(client, users["Editor"])
    page = client.get(url("page_add"))
    data = form_data(page, title="Team", parent=str(parent.pk), body="<p>Us</p>")
    response = client.post(url("page_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Page.objects.get(title="Team").url_path == "/about/team/"


def test_people_autocomplete_works_for_authors(client, users):
    login(client, users["Author"])
    response = client.get(
        url("article_people"),
        {"app_label": "content", "model_name": "article", "field_name": "authors", "term": "edit"},
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == [str(users["Editor"])]


# --- History: diff and revert -------------------------------------------------------------


def test_history_lists_revisions_and_reverts(client, users):
    editor = users["Editor"]
    article = ArticleFactory(title="First title")
    services.entry_update(entry=article, actor=editor, data={"title": "Second"}, message="Retitle")
    login(client, editor)
    page = client.get(url("article_change", article.pk))
    html = page.content.decode()
    assert "Revision history" in html
    assert "Retitle" in html
    diff = client.get(url("article_diff", article.pk, 2))
    assert diff.status_code == 200
    assert [row["field"] for row in diff.context["rows"]] == ["title"]
    assert "First title" in diff.content.decode()
    article.refresh_from_db()
    response = client.post(
        url("article_revert", article.pk, 1), {"version": article.version}, follow=True
    )
    assert any("Reverted" in m for m in messages_of(response)), messages_of(response)
    article.refresh_from_db()
    assert article.title == "First title"
    assert article.latest_revision.number == 3  # a revert writes a new revision


def test_a_stale_revert_is_refused(client, users):
    article = ArticleFactory(title="One")
    services.entry_update(entry=article, actor=None, data={"title": "Two"})
    login(client, users["Editor"])
    response = client.post(url("article_revert", article.pk, 1), {"version": 1}, follow=True)
    assert any("NOT saved" in m for m in messages_of(response))
    article.refresh_from_db()
    assert article.title == "Two"


def test_preview_redirects_to_a_signed_link(client, users):
    article = ArticleFactory()
    login(client, users["Author"])
    response = client.get(url("article_preview", article.pk))
    assert response.status_code == 302
    assert "/api/v1/delivery/preview/" in response["Location"]


# --- Trash ----------------------------------------------------------------------------------


def test_trash_and_restore(client, users, django_capture_on_commit_callbacks):
    author = users["Author"]
    article = ArticleFactory(owner=author, title="Oops")
    login(client, author)
    client.post(url("article_transition", article.pk, "trash"))
    article.refresh_from_db()
    assert article.deleted_at is not None
    listed = client.get(url("article_changelist")).context["cl"].result_list
    assert article.pk not in [a.pk for a in listed]
    trashed = client.get(url("article_change", article.pk)).content.decode()
    assert 'data-transition="restore"' in trashed
    response = bulk_post(
        client,
        Article,
        "restore",
        ids=[article.pk],
        query="trash=only",
        capture=django_capture_on_commit_callbacks,
    )
    assert (response.context["state"]["succeeded"], response.context["state"]["refused"]) == (1, 0)
    article.refresh_from_db()
    assert article.deleted_at is None


def test_nothing_is_hard_deleted_from_the_admin(client, users):
    article = ArticleFactory()
    login(client, users["Administrator"])
    assert client.post(url("article_delete", article.pk), {"post": "yes"}).status_code == 403
    assert Article.objects.filter(pk=article.pk).exists()


# --- Media --------------------------------------------------------------------------------


def test_media_upload_through_the_service(client, users):
    login(client, users["Author"])
    upload = SimpleUploadedFile("photo.png", png_bytes(20, 10, "blue"), content_type="image/png")
    response = client.post(url("mediaasset_add"), {"file": upload, "alt_text": "Blue"})
    assert response.status_code == 302
    asset = MediaAsset.objects.get(alt_text="Blue")
    assert (asset.width, asset.height, asset.mime_type) == (20, 10, "image/png")
    assert asset.uploaded_by == users["Author"]


def test_a_fake_image_is_refused_in_the_form(client, users):
    login(client, users["Editor"])
    fake = SimpleUploadedFile("photo.png", b"not an image at all", content_type="image/png")
    response = client.post(url("mediaasset_add"), {"file": fake, "title": "Fake"})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["file"]
    assert not MediaAsset.objects.filter(title="Fake").exists()


def test_media_in_use_cannot_be_deleted(client, users):
    image = make_image(title="Used")
    article = ArticleFactory(title="User of it")
    services.entry_update(entry=article, actor=None, data={"cover_image": image.pk})
    spare = make_image(title="Spare")
    login(client, users["Editor"])
    change = client.get(url("mediaasset_change", image.pk)).content.decode()
    assert "User of it" in change  # the "where used" panel
    response = client.post(url("mediaasset_delete", image.pk), {"post": "yes"}, follow=True)
    assert any("cannot be deleted" in m for m in messages_of(response)), messages_of(response)
    assert MediaAsset.objects.filter(pk=image.pk).exists()
    response = client.post(
        url("mediaasset_changelist"),
        {"action": "delete_unused", "_selected_action": [image.pk, spare.pk]},
        follow=True,
    )
    assert MediaAsset.objects.filter(pk=image.pk).exists()
    assert not MediaAsset.objects.filter(pk=spare.pk).exists()


# --- Reviewing: approve, reject with a comment (no workflow here; see tests/governance) ----


def test_an_author_is_offered_no_review_or_publishing_on_their_item_in_review(client, users):
    author = users["Author"]
    article = ArticleFactory(owner=author, in_review=True)
    login(client, author)
    html = client.get(url("article_change", article.pk)).content.decode()
    for tool in ("approve", "reject", "publish", "schedule"):
        assert f'data-transition="{tool}"' not in html, tool
    assert client.get(url("article_reject", article.pk)).status_code == 200  # only a form
    response = client.post(url("article_reject", article.pk), {"message": "No"}, follow=True)
    assert any("permission" in m for m in messages_of(response)), messages_of(response)
    article.refresh_from_db()
    assert article.status == Status.IN_REVIEW


def test_reject_asks_for_a_comment_and_sends_the_item_back(client, users):
    article = ArticleFactory(in_review=True)
    login(client, users["Editor"])
    html = client.get(url("article_change", article.pk)).content.decode()
    assert 'data-transition="approve"' in html
    assert f'href="{url("article_reject", article.pk)}" data-transition="reject"' in html
    empty = client.post(url("article_reject", article.pk), {"message": "   "})
    assert empty.status_code == 200
    assert empty.context["form"].errors["message"] == ["A rejection needs a comment."]
    article.refresh_from_db()
    assert article.status == Status.IN_REVIEW
    response = client.post(
        url("article_reject", article.pk), {"message": "Needs a source."}, follow=True
    )
    assert any("rejected" in m for m in messages_of(response)), messages_of(response)
    article.refresh_from_db()
    assert article.status == Status.DRAFT
    html = client.get(url("article_change", article.pk)).content.decode()
    assert 'data-transition="reject"' not in html  # nothing in review any more


# --- Moving pages ---------------------------------------------------------------------------


def test_editor_moves_a_page_with_its_subtree(client, users):
    about = PageFactory(title="About")
    team = PageFactory(title="Team", parent=about.pk)
    PageFactory(title="Alice", parent=team.pk)
    company = PageFactory(title="Company")
    login(client, users["Editor"])
    html = client.get(url("page_change", team.pk)).content.decode()
    assert f'href="{url("page_move", team.pk)}" data-transition="move"' in html
    form = client.get(url("page_move", team.pk))
    assert form.status_code == 200
    assert "admin-autocomplete" in form.content.decode()  # parent is chosen by search
    response = client.post(
        url("page_move", team.pk), {"parent": company.pk, "sort_order": "0"}, follow=True
    )
    assert any("/company/team/" in m for m in messages_of(response)), messages_of(response)
    team.refresh_from_db()
    assert (team.parent_id, team.sort_order, team.url_path) == (company.pk, 0, "/company/team/")
    assert Page.objects.get(title="Alice").url_path == "/company/team/alice/"
    response = client.post(url("page_move", team.pk), {"parent": ""}, follow=True)  # top level
    team.refresh_from_db()
    assert team.parent_id is None
    assert team.url_path == "/team/"


def test_moving_a_page_under_its_own_descendant_is_refused_clearly(client, users):
    about = PageFactory(title="About")
    team = PageFactory(title="Team", parent=about.pk)
    login(client, users["Editor"])
    response = client.post(url("page_move", about.pk), {"parent": team.pk})
    assert response.status_code == 200  # the form again, with the reason
    assert any("cannot move under itself" in m for m in messages_of(response))
    about.refresh_from_db()
    assert (about.parent_id, about.url_path) == (None, "/about/")
    bad = client.post(url("page_move", about.pk), {"parent": "999999"})
    assert bad.status_code == 200
    assert bad.context["form"].errors["parent"]


def test_moving_is_offered_only_where_the_service_allows_it(client, users):
    author = users["Author"]
    own = PageFactory(owner=author, title="Mine")
    live = PageFactory(owner=author, title="Live", published=True)
    login(client, author)
    assert 'data-transition="move"' in client.get(url("page_change", own.pk)).content.decode()
    html = client.get(url("page_change", live.pk)).content.decode()
    assert 'data-transition="move"' not in html  # published: no longer the Author's draft
    response = client.post(url("page_move", live.pk), {"parent": own.pk}, follow=True)
    assert any("only your own drafts" in m for m in messages_of(response)), messages_of(response)
    live.refresh_from_db()
    assert live.parent_id is None
