"""The admin's links out: "View on site", "View site", Preview, and Folio's page at `/`."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from content import services
from content.models import Locale
from tests.content.factories import ArticleFactory, PageFactory

pytestmark = pytest.mark.django_db

WWW = "https://www.example.com"
FR = "https://fr.example.com"


def change_form(client, user, entry) -> str:
    client.force_login(user)
    name = f"admin:content_{entry._meta.model_name}_change"
    response = client.get(reverse(name, args=[entry.pk]))
    assert response.status_code == 200
    return response.content.decode()


def view_on_site(html: str) -> str | None:
    found = re.search(r'<a href="([^"]*)" class="viewsitelink[ "]', html)
    return found and found.group(1)


def view_site(html: str) -> str | None:
    # The user menu's link (the admin's theme draws it with classes, on lines of its own).
    found = re.search(r'<a href="([^"]*)"[^>]*>\s*View site\s*</a>', html)
    return found and found.group(1)


def test_view_on_site_opens_the_live_item_on_its_frontend(client, users, settings):
    settings.FRONTEND_BASE_URL = WWW
    settings.FRONTEND_BASE_URLS = {"fr": FR}
    editor = users["Editor"]
    live = ArticleFactory(title="Hello", published=True)
    # The public sees the live slug until the renamed draft is published.
    services.entry_update(entry=live, actor=None, data={"slug": "renamed-draft"})
    assert view_on_site(change_form(client, editor, live)) == f"{WWW}/articles/hello/"
    about = PageFactory(title="About", published=True)
    assert view_on_site(change_form(client, editor, about)) == f"{WWW}{about.url_path}"
    fr = Locale.objects.create(code="fr", name="Français")
    bonjour = ArticleFactory(title="Bonjour", locale=fr.pk, published=True)
    assert view_on_site(change_form(client, editor, bonjour)) == f"{FR}/articles/bonjour/"


def test_no_view_on_site_without_a_live_item_or_a_frontend(client, users, settings):
    editor = users["Editor"]
    live = ArticleFactory(published=True)
    assert view_on_site(change_form(client, editor, live)) is None  # no frontend configured
    settings.FRONTEND_BASE_URL = WWW
    draft = ArticleFactory()
    assert view_on_site(change_form(client, editor, draft)) is None  # nothing to view yet


def test_view_site_leads_to_the_frontend_else_to_folios_own_page(client, users, settings):
    client.force_login(users["Editor"])
    assert view_site(client.get(reverse("admin:index")).content.decode()) == "/"
    settings.FRONTEND_BASE_URL = WWW
    assert view_site(client.get(reverse("admin:index")).content.decode()) == WWW


def test_folios_page_at_the_root_links_the_admin_docs_and_health(client, settings):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    for path in ("/admin/", "/api/docs/", "/api/redoc/", "/health/live/", "/health/ready/"):
        assert f'href="{path}"' in html
        assert client.get(path).status_code in (200, 302, 503)  # each link leads somewhere
    assert "example.com" not in html
    settings.FRONTEND_BASE_URL = 'https://www.example.com/"><script>'
    html = client.get("/").content.decode()
    assert "<script>" not in html  # escaped, like everything the page shows
    assert "&quot;&gt;&lt;script&gt;" in html


def test_admin_preview_opens_the_frontends_preview_page(client, users, settings, api_client):
    settings.FRONTEND_BASE_URL = WWW
    settings.FRONTEND_PREVIEW_URL = "/preview/{token}/"
    article = ArticleFactory(title="Draft to check")
    client.force_login(users["Author"])
    response = client.get(reverse("admin:content_article_preview", args=[article.pk]))
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(f"{WWW}/preview/")
    token = location.removeprefix(f"{WWW}/preview/").rstrip("/")
    shown = api_client.get(f"/api/v1/delivery/preview/{token}/")
    assert shown.json()["title"] == "Draft to check"
