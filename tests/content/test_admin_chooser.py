"""Related objects chosen in a modal (content.admin.chooser): the change form's fields and
the search endpoint behind the modal, with what each user may see and bad input."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import NoReverseMatch, reverse

from content import services
from content.models import Article
from content.services.grants import role_grant_create
from tests.accounts.factories import UserFactory
from tests.assertions import assert_error
from tests.content.factories import (
    ArticleFactory,
    PageFactory,
    make_image,
    make_tag,
    pdf_bytes,
    png_bytes,
)
from tests.content.test_admin import form_data

pytestmark = pytest.mark.django_db


def chooser(model: str, field: str) -> str:
    return reverse(f"admin:content_{model}_chooser", args=[field])


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def labels(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["label"] for item in response.json()["results"]]


# --- The change form ---------------------------------------------------------------------


def test_the_form_shows_the_choice_with_its_thumbnail_and_no_popup_links(users):
    image = make_image(title="Harbour at dawn")
    article = ArticleFactory(title="Boats", cover_image=image)
    change = reverse("admin:content_article_change", args=[article.pk])
    page = logged_in(users["Editor"]).get(change)
    html = page.content.decode()

    assert html.count("data-chooser ") == 6  # category, tags, authors, owner, both images
    assert 'data-url="/admin/content/article/chooser/cover_image/"' in html
    assert f'<option value="{image.pk}" selected data-detail="image/png' in html
    assert f'data-thumbnail="/admin/content/mediaasset/{image.pk}/thumbnail/"' in html
    assert "Harbour at dawn" in html
    # No popup windows: neither "add another" / "change" links nor select2 autocompletes.
    assert "related-widget-wrapper-link" not in html
    assert "_popup" not in html
    assert "admin-autocomplete" not in html


def test_the_chosen_values_post_and_save_as_before(users):
    editor = users["Editor"]
    image = make_image(title="Harbour")
    python, django = make_tag("python"), make_tag("django")
    article = ArticleFactory(title="Boats")
    client = logged_in(editor)
    change = reverse("admin:content_article_change", args=[article.pk])
    data = form_data(
        client.get(change), cover_image=str(image.pk), tags=[str(python.pk), str(django.pk)]
    )

    response = client.post(change, data)

    assert response.status_code == 302, response.context and response.context["errors"]
    article = Article.objects.get(pk=article.pk)
    assert article.cover_image == image
    assert set(article.tags.all()) == {python, django}


# --- The endpoint: search and pages ------------------------------------------------------


def test_it_searches_with_the_related_admins_search_fields(users):
    sunset = make_image(title="Sunset over the bay")
    make_image(title="Office")
    client = logged_in(users["Author"])

    found = client.get(chooser("article", "cover_image"), {"q": "sunset"})

    assert labels(found) == ["Sunset over the bay"]
    item = found.json()["results"][0]
    assert item["id"] == str(sunset.pk)
    assert item["thumbnail_url"] == f"/admin/content/mediaasset/{sunset.pk}/thumbnail/"
    assert item["detail"] == "image/png · 8 x 6"


def test_results_come_a_page_at_a_time(users):
    for n in range(21):
        make_tag(f"tag-{n:02d}")
    client = logged_in(users["Editor"])

    first = client.get(chooser("article", "tags")).json()
    second = client.get(chooser("article", "tags"), {"page": "2"}).json()

    assert len(first["results"]) == 20
    assert first["has_next"]
    assert not first["has_previous"]
    assert len(second["results"]) == 1
    assert second["has_previous"]
    assert not second["has_next"]
    seen = {r["id"] for r in first["results"]} | {r["id"] for r in second["results"]}
    assert len(seen) == 21


def test_people_are_chosen_by_name_and_email(users):
    UserFactory(email="sam@example.com", full_name="Sam Writer")
    UserFactory(email="gone@example.com", full_name="Sam Gone", is_active=False)

    found = logged_in(users["Author"]).get(chooser("article", "authors"), {"q": "sam"})

    assert labels(found) == ["Sam Writer"]
    assert found.json()["results"][0]["detail"] == "sam@example.com"


# --- Permissions ---------------------------------------------------------------------------


def test_an_author_sees_only_the_pages_they_may(users):
    docs = PageFactory(title="Docs")
    PageFactory(title="Guide", parent=docs.pk)
    PageFactory(title="About")
    author = UserFactory(email="docs-author@example.com")
    role_grant_create(actor=None, data={"user": author, "role": "Author", "page_subtree": docs})
    author.is_staff = True
    author.save(update_fields=["is_staff"])

    found = logged_in(author).get(chooser("page", "parent"))

    assert sorted(labels(found)) == ["Docs", "Guide"]
    assert sorted(labels(logged_in(users["Editor"]).get(chooser("page", "parent")))) == [
        "About",
        "Docs",
        "Guide",
    ]


def test_staff_without_view_permission_get_403(users):
    make_image(title="Secret")
    nobody = UserFactory(email="staff@example.com", is_staff=True)

    assert_error(logged_in(nobody).get(chooser("article", "cover_image")), 403, "permission_denied")
    # People need the right to write the item; a Viewer may only look at it.
    assert_error(logged_in(users["Viewer"]).get(chooser("article", "authors")), 403)


def test_anonymous_users_are_sent_to_sign_in():
    response = Client().get(chooser("article", "cover_image"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


# --- Bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "params"),
    [
        ("nonsense", {}),  # no such field
        ("title", {}),  # a field, but not chosen in a modal
        ("tags", {"page": "two"}),
        ("tags", {"page": "0"}),
        ("tags", {"page": "-1"}),
        ("tags", {"page": "99"}),  # past the end
        ("tags", {"q": "x" * 201}),
    ],
)
def test_bad_input_is_a_400_in_the_error_format(users, field, params):
    make_tag("python")
    response = logged_in(users["Editor"]).get(chooser("article", field), params)
    assert_error(response, 400, "validation_error")


def test_only_get_is_allowed(users):
    response = logged_in(users["Editor"]).post(chooser("article", "tags"))
    assert_error(response, 405, "method_not_allowed")


# --- The body editor's images ----------------------------------------------------------


def test_the_body_editors_browse_opens_the_image_chooser_not_a_popup(users):
    client = logged_in(users["Author"])
    html = client.get(reverse("admin:content_article_add")).content.decode()

    assert 'data-chooser-images data-url="/admin/content/mediaasset/picker/"' in html
    assert 'data-upload-url="/admin/content/mediaasset/upload/"' in html
    assert "content/chooser.js" in html


def test_the_body_image_search_lists_images_with_what_the_editor_inserts(users):
    image = make_image(title="Pickable")
    services.media_upload(
        actor=None, file=SimpleUploadedFile("doc.pdf", pdf_bytes()), data={"title": "Pick me"}
    )
    picker = reverse("admin:content_mediaasset_picker")

    found = logged_in(users["Author"]).get(picker, {"q": "pick"})

    assert labels(found) == ["Pickable"]  # images only: a document cannot go in the body
    item = found.json()["results"][0]
    assert item["url"] == image.file.url
    assert item["alt_text"] == "An example"
    nobody = UserFactory(email="staff@example.com", is_staff=True)
    assert_error(logged_in(nobody).get(picker), 403, "permission_denied")
    assert_error(logged_in(users["Author"]).get(picker, {"page": "x"}), 400, "validation_error")


def test_an_upload_from_the_chooser_answers_what_the_editor_inserts(users):
    upload = SimpleUploadedFile("new.png", png_bytes(9, 9, "green"), content_type="image/png")
    response = logged_in(users["Author"]).post(
        reverse("admin:content_mediaasset_upload"), {"file": upload, "alt_text": "Green"}
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "image"
    assert body["alt_text"] == "Green"
    assert body["url"].startswith("/media/")


# --- No popup windows anywhere ---------------------------------------------------------

POPUP_MARKS = ("related-widget-wrapper-link", "related-lookup", "_popup=1")


def test_no_add_form_of_the_admin_opens_a_popup_window(users):
    """Every registered admin's add form, as an Administrator (who may add anything): no
    "add another" / "change" / lookup link, each of which would open a popup window."""
    client = logged_in(users["Administrator"])
    checked = []
    for model in admin.site._registry:
        opts = model._meta
        try:
            address = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
        except NoReverseMatch:
            continue
        response = client.get(address)
        if response.status_code != 200:
            continue  # no add form (read-only admins)
        html = response.content.decode()
        assert not [mark for mark in POPUP_MARKS if mark in html], opts.label
        checked.append(opts.label)
    assert {"content.Article", "content.Category", "accounts.ApiKey"} <= set(checked)
