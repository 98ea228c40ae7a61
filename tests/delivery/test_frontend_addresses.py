"""Public addresses lead to the frontend: the sitemap, the feed and the delivery `url`.

FRONTEND_BASE_URL is the public site, FRONTEND_BASE_URLS a site per locale. Snapshots
keep paths and the base is added when a response is built, so changing it needs no
`rebuild_snapshots`.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from content import services
from content.models import Article, Locale
from tests.content.factories import make_image

pytestmark = pytest.mark.django_db

WWW = "https://www.example.com"
FR = "https://fr.example.com"
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def xml(response) -> ET.Element:
    assert response.status_code == 200
    return ET.fromstring(response.content)  # noqa: S314 (our own sitemap and feed)


@pytest.fixture
def frontends(settings):
    settings.FRONTEND_BASE_URL = WWW
    settings.FRONTEND_BASE_URLS = {"fr": FR}
    return settings


@pytest.fixture
def french(on_commit):
    """Publish a French article; "fr" is not the default locale."""
    fr = Locale.objects.create(code="fr", name="Français")

    def make(title: str, **data) -> Article:
        entry = on_commit(
            services.entry_create, model=Article, actor=None, data={"title": title, "locale": fr.pk}
        )
        on_commit(services.entry_publish, entry=entry, actor=None)
        return entry

    return make


def test_sitemap_and_feed_link_to_the_frontend_of_each_locale(
    client, frontends, article, page, french
):
    hello = article(title="Hello", published=True)
    bonjour = french("Bonjour")
    about = page(title="About", published=True)

    sitemap = xml(client.get("/sitemap.xml"))
    locations = {loc.text for loc in sitemap.iter(f"{SITEMAP}loc")}
    assert locations == {
        f"{WWW}/articles/{hello.slug}/",
        f"{FR}/articles/{bonjour.slug}/",
        f"{WWW}{about.url_path}",
    }

    feed = xml(client.get("/feeds/articles.atom"))
    home = [link.get("href") for link in feed.findall(f"{ATOM}link") if link.get("rel") != "self"]
    assert home == [f"{WWW}/"]
    entries = {
        entry.find(f"{ATOM}title").text: entry.find(f"{ATOM}link").get("href")
        for entry in feed.iter(f"{ATOM}entry")
    }
    assert entries == {
        "Hello": f"{WWW}/articles/{hello.slug}/",
        "Bonjour": f"{FR}/articles/{bonjour.slug}/",
    }


def test_delivery_urls_are_on_the_frontend_of_the_items_locale(
    api_client, frontends, article, french
):
    hello = article(title="Hello", published=True, cover_image=make_image().pk)
    bonjour = french("Bonjour")
    api = "/api/v1/delivery/articles/"

    listed = {i["title"]: i for i in api_client.get(api, {"locale": "fr"}).json()["results"]}
    # English has no French version here: the English one is served, on the default site.
    assert listed["Hello"]["url"] == f"{WWW}/articles/{hello.slug}/"
    assert listed["Bonjour"]["url"] == f"{FR}/articles/{bonjour.slug}/"
    # Media stays where Folio serves it; only items' addresses move to the frontend.
    assert listed["Hello"]["cover_image"]["url"].startswith("/media/")
    chosen = api_client.get(api, {"fields": "id,url", "locale": "fr"}).json()["results"]
    assert {i["url"] for i in chosen} == {i["url"] for i in listed.values()}

    detail = api_client.get(f"{api}{bonjour.slug}/", {"locale": "fr"}).json()
    assert detail["url"] == f"{FR}/articles/{bonjour.slug}/"
    only_url = api_client.get(f"{api}{hello.slug}/", {"fields": "url"}).json()
    assert only_url == {"url": f"{WWW}/articles/{hello.slug}/"}


def test_page_parents_breadcrumbs_and_children_are_on_the_frontend(api_client, frontends, page):
    about = page(title="About", published=True)
    team = page(title="Team", parent=about.pk, published=True)
    people = page(title="People", parent=team.pk, published=True)

    detail = api_client.get("/api/v1/delivery/pages/", {"path": team.url_path}).json()
    assert detail["url"] == f"{WWW}{team.url_path}"
    assert detail["parent"]["url"] == f"{WWW}{about.url_path}"
    assert [c["url"] for c in detail["breadcrumbs"]] == [f"{WWW}{about.url_path}"]
    assert [c["url"] for c in detail["children"]] == [f"{WWW}{people.url_path}"]
    listed = {p["title"]: p for p in api_client.get("/api/v1/delivery/pages/").json()["results"]}
    assert listed["People"]["parent"]["url"] == f"{WWW}{team.url_path}"
    assert listed["About"]["parent"] is None


def test_only_item_addresses_change_whatever_the_content_holds(api_client, frontends, page):
    """The stored JSON is rewritten without parsing it: text that looks like its keys, a
    page without a parent and body media must come through untouched."""
    image = make_image()
    tricky = 'A "url":"/x" and "parent":{"id":1,"url":"/y"} title'
    body = [
        {"type": "paragraph", "value": {"text": 'See "url":"/z"'}},
        {"type": "image", "value": {"image": image.pk, "alt": "Picture"}},
        {"type": "embed", "value": {"url": "https://video.example.org/1"}},
    ]
    top = page(title=tricky, body=body, og_image=image.pk, published=True)

    item = api_client.get(f"/api/v1/delivery/pages/{top.pk}/").json()
    plain = api_client.get("/api/v1/delivery/pages/", {"path": top.url_path}).json()
    parsed = api_client.get(
        "/api/v1/delivery/pages/", {"path": top.url_path, "fields": "title,url,parent,body,seo"}
    ).json()
    assert item["title"] == tricky
    assert item["url"] == f"{WWW}{top.url_path}"
    assert item["parent"] is None
    assert item["body"][0]["value"]["text"] == 'See "url":"/z"'
    assert item["body"][1]["value"]["image"]["url"] == image.file.url
    assert item["body"][2]["value"]["url"] == "https://video.example.org/1"
    assert item["seo"]["og_image"]["url"] == image.file.url
    # The string rewrite (no fields) and the parsed one (fields) agree.
    assert {k: plain[k] for k in parsed} == parsed


def test_a_changed_frontend_shows_at_once_without_a_rebuild(api_client, settings, article):
    hello = article(title="Hello", published=True)
    api = "/api/v1/delivery/articles/"
    assert api_client.get(api).json()["results"][0]["url"] == f"/articles/{hello.slug}/"
    settings.FRONTEND_BASE_URL = WWW  # cached responses were built without it
    assert api_client.get(api).json()["results"][0]["url"] == f"{WWW}/articles/{hello.slug}/"
    detail = api_client.get(f"{api}{hello.slug}/").json()
    assert detail["url"] == f"{WWW}/articles/{hello.slug}/"


def test_with_no_frontend_addresses_stay_paths(api_client, client, article):
    hello = article(title="Hello", published=True)
    item = api_client.get("/api/v1/delivery/articles/").json()["results"][0]
    assert item["url"] == f"/articles/{hello.slug}/"
    sitemap = xml(client.get("/sitemap.xml"))
    assert [loc.text for loc in sitemap.iter(f"{SITEMAP}loc")] == [
        f"http://testserver/articles/{hello.slug}/"
    ]


def test_preview_links_lead_to_the_frontends_preview_page(api_client, settings, article, french):
    draft = article(title="Secret draft")
    link = services.preview_link_create(entry=draft, actor=None)
    assert link["url"] == f"/api/v1/delivery/preview/{link['token']}/"  # no frontend page

    settings.FRONTEND_BASE_URL = WWW
    settings.FRONTEND_BASE_URLS = {"fr": FR}
    settings.FRONTEND_PREVIEW_URL = "/preview?token={token}"  # a path: on the item's site
    link = services.preview_link_create(entry=draft, actor=None)
    assert link["url"] == f"{WWW}/preview?token={link['token']}"
    bonjour = french("Bonjour")
    assert services.preview_link_create(entry=bonjour, actor=None)["url"].startswith(FR)
    settings.FRONTEND_PREVIEW_URL = "https://preview.example.com/{token}"
    link = services.preview_link_create(entry=draft, actor=None)
    assert link["url"] == f"https://preview.example.com/{link['token']}"

    # The frontend reads the draft with the token, in the same shape as the live API.
    shown = api_client.get(f"/api/v1/delivery/preview/{link['token']}/").json()
    assert shown["title"] == "Secret draft"
    assert shown["url"] == f"{WWW}/articles/{draft.slug}/"
