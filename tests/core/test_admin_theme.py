"""The admin's theme (django-unfold): the sidebar grouped by task and filtered by what the
user may view, every admin drawn by unfold's classes, and the admin's CSP allowance."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client, RequestFactory
from django.urls import reverse
from unfold.admin import ModelAdmin, StackedInline, TabularInline

from accounts.models import User
from content.runtime.definitions import type_create
from core import admin_nav
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

SETTINGS_ONLY = ["Groups", "Access attempts", "Periodic tasks", "Crontabs", "Users", "API keys"]


def sidebar(user) -> dict[str, list[str]]:
    """{group title: [item titles]} as `user` gets it."""
    request = RequestFactory().get("/admin/")
    request.user = User.objects.get(pk=user.pk)  # fresh permission caches
    return {
        group["title"]: [str(item["title"]) for item in group["items"]]
        for group in admin_nav.sidebar_navigation(request)
    }


def links_of(html: str) -> set[str]:
    return {part.split('"')[0] for part in html.split('href="')[1:]}


def test_the_sidebar_is_grouped_by_task():
    groups = sidebar(UserFactory(role="Administrator"))
    assert list(groups) == [None, "Content", "Media", "Review", "Governance", "Settings"]
    assert groups[None] == ["Dashboard", "Governance dashboard"]
    assert groups["Content"][:2] == ["Articles", "Pages"]
    assert {"Categories", "Tags", "Redirects"} <= set(groups["Content"])
    assert groups["Media"] == ["Media assets"]
    assert {"Review tasks", "Submissions", "Comments"} <= set(groups["Review"])
    assert {"Content policies", "Policy results", "Audit events", "Workflows", "Webhooks"} <= set(
        groups["Governance"]
    )
    assert set(SETTINGS_ONLY) | {"Locales", "Content types"} <= set(groups["Settings"])


def test_an_author_sees_only_what_they_may_view(client):
    author = UserFactory(role="Author")
    groups = sidebar(author)
    assert "Articles" in groups["Content"]
    assert "Media assets" in groups["Media"]
    settings_items = groups.get("Settings", [])
    for title in SETTINGS_ONLY:
        assert title not in settings_items, title
    assert "Audit events" not in groups.get("Governance", [])
    # And on the page: no link to the groups, AXES' records or beat's schedules.
    client.force_login(author)
    links = links_of(client.get(reverse("admin:index")).content.decode())
    assert reverse("admin:content_article_changelist") in links
    for name in ("auth_group", "axes_accessattempt", "django_celery_beat_periodictask"):
        assert reverse(f"admin:{name}_changelist") not in links, name
    # The pages themselves stay closed, whatever the sidebar shows.
    assert client.get(reverse("admin:auth_group_changelist")).status_code == 403


def test_an_administrator_gets_the_settings_links(client):
    client.force_login(UserFactory(role="Administrator"))
    links = links_of(client.get(reverse("admin:index")).content.decode())
    for name in ("auth_group", "axes_accessattempt", "django_celery_beat_periodictask"):
        assert reverse(f"admin:{name}_changelist") in links, name


def test_a_type_defined_as_data_joins_the_content_group():
    administrator = UserFactory(role="Administrator")
    type_create(
        actor=administrator,
        data={
            "api_id": "recipe",
            "name": "Recipe",
            "fields": [{"api_id": "serves", "type": "integer"}],
        },
    )
    # By the plural of the name it was given.
    assert "Recipes" in sidebar(administrator)["Content"]
    assert "Recipes" in sidebar(UserFactory(role="Author"))["Content"]  # roles read every type


def test_other_features_add_items_through_the_hook():
    def saved_views(request):
        return [{"title": "My drafts", "icon": "bookmark", "link": "/admin/content/article/"}]

    admin_nav.register_items("Saved views", saved_views)
    admin_nav.register_items("Saved views", saved_views)  # registering again replaces it
    try:
        groups = sidebar(UserFactory(role="Author"))
        assert list(groups)[-1] == "Saved views"
        assert groups["Saved views"] == ["My drafts"]
    finally:
        admin_nav._providers.pop(("Saved views", f"{__name__}.{saved_views.__qualname__}"))


def test_every_admin_is_drawn_by_unfold():
    for model, model_admin in admin.site._registry.items():
        assert isinstance(model_admin, ModelAdmin), model._meta.label
        assert getattr(model_admin, "nav_section", None) in {s.key for s in admin_nav.SECTIONS}, (
            model._meta.label
        )
        for inline in model_admin.inlines:
            assert issubclass(inline, TabularInline | StackedInline), inline


def test_admin_pages_allow_unfold_eval_and_the_rest_stays_strict(client):
    client.force_login(UserFactory(role="Editor"))
    admin_policy = client.get(reverse("admin:index"))["Content-Security-Policy"]
    script_src = admin_policy.split("script-src")[1].split(";")[0]
    assert "'unsafe-eval'" in script_src
    assert "'unsafe-inline'" not in script_src
    login_policy = Client().get(reverse("admin:login"))["Content-Security-Policy"]
    assert "'unsafe-eval'" in login_policy  # the sign-in page is drawn by unfold too
    for path in ("/", "/api/docs/", "/health/live/"):
        policy = client.get(path).get("Content-Security-Policy", "")
        assert "unsafe-eval" not in policy, path


def test_the_brand_is_folio(client):
    html = Client().get(reverse("admin:login")).content.decode()
    title = html.split("<title>")[1].split("</title>")[0]
    assert "Folio" in title
    assert "folio/admin/logo.svg" in html
    assert "folio/admin/theme.css" in html
    client.force_login(UserFactory(role="Editor"))
    page = client.get(reverse("admin:index")).content.decode()
    assert "folio/admin/mark.svg" in page  # the sidebar's mark and the favicon
    assert 'id="nav-sidebar"' in page  # unfold's layout, not Django's
