"""Saved views: a changelist's filters, search, ordering and columns saved under a name,
private or shared with roles, listed above the list (and for the sidebar), managed by
their owner only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from content.admin.saved_views import saved_view_links, view_link
from content.models import Article, SavedView
from content.seeding.saved_views import DEMO_VIEWS, demo_saved_views_create
from content.services import saved_views as service
from governance.models import AuditEvent
from governance.policies.seeding import POLICY_VIOLATIONS_VIEW
from tests.content.bulk_helpers import changelist
from tests.content.factories import ArticleFactory, make_category

pytestmark = pytest.mark.django_db

SAVE_URL = "admin:content_article_saveview"


def save(client, **data):
    return client.post(reverse(SAVE_URL), data)


def shown_columns(response) -> list[str]:
    return [c for c in response.context["cl"].list_display if c != "action_checkbox"]


def bar(response) -> list[dict]:
    return response.context["folio_saved_views"]


def make_view(owner, name="Drafts", query="status__exact=draft", roles=(), columns=()):
    return service.saved_view_create(
        owner=owner,
        app_label="content",
        model_name="article",
        name=name,
        query=query,
        columns=list(columns),
        roles=list(Group.objects.filter(name__in=roles)),
    )


# --- Save, open, manage -----------------------------------------------------------------


def test_save_this_view_then_open_it_with_its_columns(client, users):
    editor = users["Editor"]
    client.force_login(editor)
    ArticleFactory(title="Trip to Lyon")
    ArticleFactory(title="Trip to Oslo", published=True)
    page = client.get(changelist(Article, "status__exact=draft&q=trip&p=1"))
    form = page.context["folio_save_view_form"]
    assert form["query"].value() == "status__exact=draft&q=trip"  # the page is no part of it
    assert "Save this view" in page.content.decode()

    response = save(
        client,
        name="Draft trips",
        query="status__exact=draft&q=trip",
        columns=["title", "owner"],
    )
    assert response.status_code == 302
    view = SavedView.objects.get(name="Draft trips")
    assert (view.owner, view.query, view.columns) == (
        editor,
        "status__exact=draft&q=trip",
        ["title", "owner"],
    )
    assert list(view.roles.all()) == []
    assert response["Location"] == view_link(view)
    assert AuditEvent.objects.filter(action="saved_view.create", actor=editor).exists()

    opened = client.get(response["Location"])
    assert shown_columns(opened) == ["title", "owner"]
    assert [a.title for a in opened.context["cl"].result_list] == ["Trip to Lyon"]
    [listed] = bar(opened)
    assert (listed["name"], listed["active"]) == ("Draft trips", True)
    # Sorting or filtering further keeps the columns.
    assert "_cols=title%2Cowner" in opened.context["cl"].get_query_string({"o": "1"})


def test_columns_are_only_those_the_list_offers(client, users):
    client.force_login(users["Editor"])
    ArticleFactory()
    response = client.get(changelist(Article, "_cols=owner,secret,__class__"))
    assert response.status_code == 200
    assert shown_columns(response) == ["title", "owner"]  # the link column stays
    everything = client.get(changelist(Article, "_cols=nothing"))
    assert shown_columns(everything) == [
        "title",
        "status_display",
        "locale",
        "category",
        "owner",
        "updated_at",
    ]


def test_the_owner_renames_shares_and_deletes_a_view(client, users):
    editor = users["Editor"]
    view = make_view(editor)
    client.force_login(editor)
    url = reverse("admin:content_savedview_change", args=[view.pk])
    reviewers = Group.objects.get(name="Reviewer")
    response = client.post(url, {"name": "Drafts to check", "roles": [reviewers.pk]})
    assert response.status_code == 302
    view.refresh_from_db()
    assert view.name == "Drafts to check"
    assert list(view.roles.all()) == [reviewers]
    assert AuditEvent.objects.filter(action="saved_view.update", actor=editor).exists()
    listing = client.get(reverse("admin:content_savedview_changelist"))
    assert [v.name for v in listing.context["cl"].result_list] == ["Drafts to check"]

    delete = reverse("admin:content_savedview_delete", args=[view.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not SavedView.objects.exists()
    assert AuditEvent.objects.filter(action="saved_view.delete", actor=editor).exists()


def test_only_the_owner_manages_a_view(client, users):
    view = make_view(users["Editor"], roles=["Reviewer"])
    client.force_login(users["Reviewer"])
    url = reverse("admin:content_savedview_change", args=[view.pk])
    assert client.post(url, {"name": "Mine now"}).status_code == 302  # "does not exist"
    assert client.get(reverse("admin:content_savedview_delete", args=[view.pk])).status_code == 302
    view.refresh_from_db()
    assert view.name == "Drafts"
    with pytest.raises(PermissionDenied):
        service.saved_view_update(view=view, actor=users["Reviewer"], data={"name": "x"})
    with pytest.raises(PermissionDenied):
        service.saved_view_delete(view=view, actor=users["Reviewer"])


# --- Sharing ----------------------------------------------------------------------------


def test_a_view_shared_with_a_role_shows_to_its_members_only(client, users):
    make_view(users["Editor"], name="Team drafts", roles=["Reviewer"])
    make_view(users["Editor"], name="Private")
    request = RequestFactory().get("/admin/")

    request.user = users["Reviewer"]
    links = saved_view_links(request)
    assert [(link["title"], link["shared"], link["icon"]) for link in links] == [
        ("Team drafts", True, "bookmark")
    ]
    assert links[0]["link"].startswith(reverse("admin:content_article_changelist") + "?")
    client.force_login(users["Reviewer"])
    page = client.get(changelist(Article))
    assert [v["name"] for v in bar(page)] == ["Team drafts"]
    assert "· shared" in page.content.decode()

    request.user = users["Viewer"]
    assert saved_view_links(request) == []
    client.force_login(users["Viewer"])
    assert bar(client.get(changelist(Article))) == []

    request.user = users["Editor"]
    assert [link["title"] for link in saved_view_links(request)] == ["Private", "Team drafts"]


def test_my_drafts_means_the_viewers_own(client, users):
    make_view(
        users["Editor"], name="My drafts", query="mine=1&status__exact=draft", roles=["Author"]
    )
    ArticleFactory(title="Author's", owner=users["Author"])
    ArticleFactory(title="Editor's", owner=users["Editor"])
    for who, expected in (("Author", ["Author's"]), ("Editor", ["Editor's"])):
        client.force_login(users[who])
        view = SavedView.objects.get(name="My drafts")
        page = client.get(view_link(view))
        assert [a.title for a in page.context["cl"].result_list] == expected


def test_reviews_due_this_week(client, users):
    soon, later = ArticleFactory(title="Soon"), ArticleFactory(title="Later")
    Article.objects.filter(pk=soon.pk).update(next_review_at=timezone.now() + timedelta(days=3))
    client.force_login(users["Editor"])
    page = client.get(changelist(Article, "review=week"))
    assert [a.title for a in page.context["cl"].result_list] == ["Soon"]
    assert later.next_review_at > timezone.now() + timedelta(days=7)


# --- Bad input ---------------------------------------------------------------------------


def test_bad_saves_are_form_errors_not_crashes(client, users):
    client.force_login(users["Editor"])
    make_view(users["Editor"], name="Taken")
    cases = [
        ({"name": "", "query": ""}, "name"),
        ({"name": "Taken", "query": ""}, "name"),
        ({"name": "Odd", "query": "nonexistent__exact=1"}, None),
        ({"name": "Odd", "query": "owner__password__startswith=a"}, None),
        ({"name": "Odd", "query": "", "roles": ["99999"]}, "roles"),
        ({"name": "Odd", "query": "", "columns": ["secret"]}, "columns"),
    ]
    for data, field in cases:
        response = save(client, **data)
        assert response.status_code == 400, data
        errors = response.context["form"].errors
        assert (field or "__all__") in errors, (data, errors)
    assert SavedView.objects.count() == 1
    assert client.get(reverse(SAVE_URL)).status_code == 405


def test_the_service_checks_its_input(users):
    owner = users["Editor"]
    bad = [
        {"name": "  "},
        {"name": "x" * 101},
        {"name": "Q", "query": "a=1&&b"},
        {"name": "Q", "query": 5},
        {"name": "Q", "columns": ["bad column"]},
        {"name": "Q", "roles": [424242]},
        {"name": "Q", "roles": "Editor"},
    ]
    for data in bad:
        with pytest.raises(ValidationError):
            service.saved_view_create(
                owner=owner, app_label="content", model_name="article", **data
            )
    view = service.saved_view_create(
        owner=owner, app_label="content", model_name="article", name="Q", query="?p=3&q=x&e=1"
    )
    assert view.query == "q=x"  # page and error flag are not part of a view
    with pytest.raises(ValidationError):
        service.saved_view_update(view=view, actor=owner, data={"owner": 1})


# --- Seeded ------------------------------------------------------------------------------


def test_the_demo_views_are_shared_and_open(client, users):
    make_category("Travel")
    made = demo_saved_views_create(
        owner=users["Administrator"], views=(*DEMO_VIEWS, POLICY_VIOLATIONS_VIEW)
    )
    assert [v.name for v in made] == ["My drafts", "Reviews due this week", "Policy violations"]
    assert demo_saved_views_create(owner=users["Administrator"]) == []  # once
    assert all(view.roles.exists() for view in made)
    client.force_login(users["Editor"])
    request = RequestFactory().get("/admin/")
    request.user = users["Editor"]
    links = saved_view_links(request)
    assert {link["title"] for link in links} == {v.name for v in made}
    for link in links:
        response = client.get(link["link"])
        assert response.status_code == 200, link  # a filter the list lacks would redirect
