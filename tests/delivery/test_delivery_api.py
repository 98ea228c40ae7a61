"""The delivery API: published content only, strict parameters, caching, query budget."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from content import services
from tests.assertions import assert_error

pytestmark = pytest.mark.django_db
URL = "/api/v1/delivery/articles/"


def ids(response) -> list[int]:
    return [item["id"] for item in response.json()["results"]]


def test_lists_only_published_articles(api_client, article):
    live = article(title="Live news", published=True)
    article(title="A draft")
    article(title="In review", in_review=True)
    article(title="Scheduled", scheduled=True)
    article(title="Archived", published=True, archived=True)
    article(title="Trashed", published=True, trashed=True)
    response = api_client.get(URL)
    assert response.status_code == 200
    assert ids(response) == [live.pk]
    item = response.json()["results"][0]
    assert item["title"] == "Live news"
    assert item["url"] == f"/articles/{live.slug}/"
    assert "body" not in item  # lists carry summaries; the body comes with detail


def test_unpublished_changes_stay_private_until_the_next_publish(api_client, article, on_commit):
    entry = article(title="Original title", published=True)
    on_commit(
        services.entry_update,
        entry=entry,
        actor=None,
        data={"title": "Draft title", "body": [{"type": "paragraph", "value": {"text": "new"}}]},
    )
    detail = api_client.get(f"{URL}{entry.slug}/").json()
    assert detail["title"] == "Original title"
    assert api_client.get(URL, {"search": "Draft"}).json()["results"] == []
    on_commit(services.entry_publish, entry=entry, actor=None)
    assert api_client.get(f"{URL}{entry.slug}/").json()["title"] == "Draft title"


def test_unpublish_and_trash_remove_the_item(api_client, article, on_commit):
    a = article(published=True)
    b = article(published=True)
    on_commit(services.entry_unpublish, entry=a, actor=None)
    on_commit(services.entry_trash, entry=b, actor=None)
    assert ids(api_client.get(URL)) == []
    assert api_client.get(f"{URL}{a.slug}/").status_code == 404
    on_commit(services.entry_restore, entry=b, actor=None)
    # Restoring brings the item back as it was: offline until published again.
    on_commit(services.entry_publish, entry=b, actor=None)
    assert ids(api_client.get(URL)) == [b.pk]


def test_detail_has_body_relations_and_seo(api_client, article, category, tag):
    news = category("News")
    python = tag("Python")
    entry = article(
        title="Hello", summary="Short", category=news.pk, tags=[python.pk], published=True
    )
    response = api_client.get(f"{URL}{entry.slug}/")
    assert response.status_code == 200
    body = response.json()
    assert body["type"] == "article"
    assert body["category"] == {"id": news.pk, "name": "News", "slug": news.slug}
    assert body["tags"] == [{"id": python.pk, "name": "Python", "slug": python.slug}]
    assert body["body"][0]["type"] == "paragraph"
    assert body["seo"]["title"] == "Hello"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": "0"}, "limit"),
        ({"limit": "101"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"page": "0"}, "page"),
        ({"ordering": "password"}, "ordering"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"published_after": "yesterday"}, "published_after"),
        ({"fields": "id,secret"}, "fields"),
        ({"expand": "category.parent"}, "expand"),
        ({"expand": "owner"}, "expand"),
        ({"author": "abc"}, "author"),
        ({"bogus": "1"}, "bogus"),
        ({"search": ""}, "search"),
    ],
)
def test_bad_parameters_get_a_400(api_client, params, field):
    response = api_client.get(URL, params)
    assert_error(response, 400)
    assert field in response.json()["error"]["details"]


def test_filters(api_client, article, category, tag):
    news, sport = category("News"), category("Sport")
    py = tag("python")
    a = article(category=news.pk, tags=[py.pk], published=True)
    b = article(category=sport.pk, published=True)
    assert ids(api_client.get(URL, {"category": news.slug})) == [a.pk]
    assert ids(api_client.get(URL, {"tag": py.slug})) == [a.pk]
    assert ids(api_client.get(URL, {"category": "nope"})) == []
    future = (timezone.now() + timedelta(days=1)).date().isoformat()
    assert set(ids(api_client.get(URL, {"published_before": future}))) == {a.pk, b.pk}
    assert ids(api_client.get(URL, {"published_after": future})) == []


def test_search_finds_published_words_only(api_client, article):
    hit = article(title="Gardening tips", published=True)
    article(title="Gardening secrets draft")
    article(title="Cooking", published=True)
    response = api_client.get(URL, {"search": "gardening"})
    assert response.status_code == 200
    assert ids(response) == [hit.pk]


def test_fields_and_expand(api_client, article, category):
    news = category("News")
    entry = article(category=news.pk, published=True)
    only = api_client.get(URL, {"fields": "id,title"}).json()["results"][0]
    assert only == {"id": entry.pk, "title": entry.title}
    collapsed = api_client.get(URL, {"expand": "", "fields": "id,category"}).json()["results"][0]
    assert collapsed == {"id": entry.pk, "category": news.pk}
    expanded = api_client.get(URL, {"expand": "category", "fields": "category"}).json()
    assert expanded["results"][0]["category"]["name"] == "News"


def test_cursor_pagination_is_stable_while_new_items_are_published(api_client, article):
    made = [article(title=f"A{i}", published=True) for i in range(5)]
    newest_first = [a.pk for a in reversed(made)]
    first = api_client.get(URL, {"limit": 2}).json()
    assert [i["id"] for i in first["results"]] == newest_first[:2]
    assert first["previous"] is None
    article(title="Breaking", published=True)  # published between two page loads
    second = api_client.get(first["next"]).json()
    assert [i["id"] for i in second["results"]] == newest_first[2:4]
    back = api_client.get(second["previous"]).json()
    assert [i["id"] for i in back["results"]] == newest_first[:2]


def test_page_numbers_add_a_count(api_client, article):
    for i in range(3):
        article(title=f"P{i}", published=True)
    body = api_client.get(URL, {"page": 2, "limit": 2}).json()
    assert body["count"] == 3
    assert len(body["results"]) == 1
    assert body["next"] is None
    assert "page=1" in body["previous"]


def test_etag_304_and_cache_headers(api_client, article):
    article(published=True)
    first = api_client.get(URL)
    assert first.status_code == 200
    etag = first["ETag"]
    assert first["Last-Modified"]
    assert "max-age" in first["Cache-Control"]
    assert first["Surrogate-Key"].startswith("article")
    again = api_client.get(URL, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""


def test_publishing_invalidates_cached_responses(api_client, article):
    article(title="One", published=True)
    assert len(api_client.get(URL).json()["results"]) == 1
    article(title="Two", published=True)
    assert len(api_client.get(URL).json()["results"]) == 2


def test_query_budget(
    api_client,
    article,
    category,
    tag,
    settings,
    django_assert_max_num_queries,
    django_assert_num_queries,
):
    news, py = category("News"), tag("python")
    made = [article(category=news.pk, tags=[py.pk], published=True) for _ in range(30)]
    settings.DELIVERY_CACHE_ENABLED = False
    for params in (
        {"limit": 5},
        {"limit": 100},
        {"limit": 100, "page": 1},
        {"limit": 10, "page": 3, "expand": "category"},
        {"tag": py.slug, "fields": "id,title", "limit": 50},
    ):
        with django_assert_max_num_queries(3):
            assert api_client.get(URL, params).status_code == 200
    with django_assert_max_num_queries(1):
        assert api_client.get(f"{URL}{made[0].slug}/").status_code == 200
    settings.DELIVERY_CACHE_ENABLED = True
    api_client.get(URL, {"limit": 7})
    with django_assert_num_queries(0):
        assert api_client.get(URL, {"limit": 7}).status_code == 200


def test_works_when_the_cache_is_down(api_client, article, settings):
    entry = article(published=True)
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens here
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": 0.2,
                "SOCKET_TIMEOUT": 0.2,
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
    response = api_client.get(URL)
    assert response.status_code == 200
    assert ids(response) == [entry.pk]


def test_require_key(api_client, article, settings):
    from accounts.services import api_key_create, user_create

    settings.DELIVERY_REQUIRE_KEY = True
    article(published=True)
    assert_error(api_client.get(URL), 401)
    admin = user_create(
        actor=None, email="a@example.com", password="long-pass-phrase-1", roles=["Administrator"]
    )
    _, content_key = api_key_create(actor=admin, name="c", scopes=["content:read"])
    _, delivery_key = api_key_create(actor=admin, name="d", scopes=["delivery:read"])
    assert_error(api_client.get(URL, HTTP_AUTHORIZATION=f"Api-Key {content_key}"), 403)
    assert api_client.get(URL, HTTP_AUTHORIZATION=f"Api-Key {delivery_key}").status_code == 200


def test_locale_fallback(api_client, article, on_commit):
    from content.models import Locale

    fr = Locale.objects.create(code="fr", name="Français")
    hello = article(title="Hello", published=True)
    only_en = article(title="English only", published=True)
    bonjour = on_commit(
        services.entry_create,
        model=type(hello),
        actor=None,
        data={"title": "Bonjour", "locale": fr.pk, "translation_key": hello.translation_key},
    )
    on_commit(services.entry_publish, entry=bonjour, actor=None)
    # French where it exists, English for the rest; never both versions of one item.
    titles = {i["title"] for i in api_client.get(URL, {"locale": "fr"}).json()["results"]}
    assert titles == {"Bonjour", "English only"}
    fallback = api_client.get(f"{URL}{only_en.slug}/", {"locale": "fr"})
    assert fallback.json()["title"] == "English only"
    assert api_client.get(URL).json()["results"][0]["locale"] == "en"


def test_an_unknown_locale_is_a_400_not_the_default_locale(api_client, article, page, on_commit):
    from content.models import Locale

    entry = article(title="Hello", published=True)
    page(title="About", published=True)
    for path in (
        URL,
        f"{URL}{entry.slug}/",
        "/api/v1/delivery/pages/",
        "/api/v1/delivery/pages/?path=/about/",
        "/api/v1/delivery/categories/",
        "/api/v1/delivery/tags/",
        "/api/v1/delivery/redirects/?path=/old/",
    ):
        separator = "&" if "?" in path else "?"
        error = assert_error(api_client.get(f"{path}{separator}locale=zz"), 400)
        assert "locale" in error["details"], (path, error)
    assert "en" in error["details"]["locale"][0]  # the message lists the codes to choose from
    # A locale added meanwhile is known at once; the default one always is.
    Locale.objects.create(code="zz", name="Zed")
    assert api_client.get(URL, {"locale": "zz"}).status_code == 200
    assert api_client.get(URL, {"locale": "en"}).status_code == 200


def test_the_locale_check_costs_no_query_per_request(
    api_client, article, settings, django_assert_num_queries
):
    from content.models import Locale

    Locale.objects.create(code="fr", name="Français")
    article(published=True)
    settings.DELIVERY_CACHE_ENABLED = False
    api_client.get(URL, {"locale": "fr"})
    with django_assert_num_queries(1):  # the list itself
        assert api_client.get(URL, {"locale": "fr", "limit": 5}).status_code == 200


def test_pages_by_path_with_breadcrumbs_and_children(api_client, page):
    about = page(title="About", published=True)
    team = page(title="Team", parent=about.pk, published=True)
    page(title="Hidden", parent=about.pk)  # draft child: never listed
    jobs = page(title="Jobs", parent=about.pk, published=True)
    body = api_client.get("/api/v1/delivery/pages/", {"path": team.url_path}).json()
    assert body["title"] == "Team"
    assert body["breadcrumbs"] == [{"id": about.pk, "title": "About", "url": about.url_path}]
    parent = api_client.get(f"/api/v1/delivery/pages/{about.pk}/").json()
    assert [c["title"] for c in parent["children"]] == ["Team", "Jobs"]
    assert jobs.pk in [c["id"] for c in parent["children"]]
    assert api_client.get("/api/v1/delivery/pages/", {"path": "/nope/"}).status_code == 404


def test_preview_shows_the_draft_revision(api_client, article, on_commit):
    entry = article(title="Secret draft")
    link = services.preview_link_create(entry=entry, actor=None)
    body = api_client.get(f"/api/v1/delivery/preview/{link['token']}/")
    assert body.status_code == 200
    assert body.json()["title"] == "Secret draft"
    assert body["Cache-Control"] == "private, no-store"
    assert_error(api_client.get("/api/v1/delivery/preview/forged-token/"), 400)


def test_sitemap_and_feed_list_published_only(client, article):
    live = article(title="Feed me", published=True)
    article(title="Draft nobody sees")
    sitemap = client.get("/sitemap.xml")
    assert sitemap.status_code == 200
    assert f"/articles/{live.slug}/".encode() in sitemap.content
    assert b"draft-nobody-sees" not in sitemap.content
    feed = client.get("/feeds/articles.atom")
    assert feed.status_code == 200
    assert b"Feed me" in feed.content
    assert b"Draft nobody sees" not in feed.content


def test_taxonomy_media_and_redirects(api_client, article, category, on_commit):
    from tests.content.factories import make_image

    category("News")
    names = [c["name"] for c in api_client.get("/api/v1/delivery/categories/").json()["results"]]
    assert names == ["News"]
    image = make_image(width=40, height=30)
    media = api_client.get(f"/api/v1/delivery/media/{image.pk}/", {"rendition": "max-20"}).json()
    assert media["rendition"]["width"] == 20
    assert_error(api_client.get(f"/api/v1/delivery/media/{image.pk}/", {"rendition": "huge"}), 400)
    entry = article(title="Old name", published=True)
    old = f"/articles/{entry.slug}/"
    on_commit(services.entry_update, entry=entry, actor=None, data={"slug": "new-name"})
    on_commit(services.entry_publish, entry=type(entry).objects.get(pk=entry.pk), actor=None)
    found = api_client.get("/api/v1/delivery/redirects/", {"path": old})
    assert found.status_code == 200
    assert found.json()["new_path"] == "/articles/new-name/"
    assert_error(api_client.get("/api/v1/delivery/redirects/", {"path": "/never/"}), 404)


def test_a_renamed_page_is_served_at_its_new_path(api_client, page, on_commit):
    about = page(title="About", published=True)
    team = page(title="Team", parent=about.pk, published=True)
    on_commit(services.entry_update, entry=team, actor=None, data={"slug": "people"})
    on_commit(services.entry_publish, entry=type(team).objects.get(pk=team.pk), actor=None)
    found = api_client.get("/api/v1/delivery/pages/", {"path": "/about/people/"})
    assert found.status_code == 200
    assert found.json()["url"] == "/about/people/"
    assert api_client.get("/api/v1/delivery/pages/", {"path": "/about/team/"}).status_code == 404
    moved = api_client.get("/api/v1/delivery/redirects/", {"path": "/about/team/"}).json()
    assert moved["new_path"] == "/about/people/"


def test_renaming_a_parent_moves_its_published_children(api_client, page, on_commit):
    about = page(title="About", published=True)
    team = page(title="Team", parent=about.pk, published=True)
    on_commit(services.entry_update, entry=about, actor=None, data={"slug": "company"})
    on_commit(services.entry_publish, entry=type(about).objects.get(pk=about.pk), actor=None)
    child = api_client.get(f"/api/v1/delivery/pages/{team.pk}/").json()
    assert child["url"] == "/company/team/"
    assert child["breadcrumbs"][0]["url"] == "/company/"


@pytest.mark.parametrize("value", ["2000-01-01T00:00:00+16:50", "0001-01-01T00:00:00+05:00"])
def test_odd_utc_offsets_are_converted_or_refused_never_a_500(api_client, article, value):
    article(published=True)
    response = api_client.get(URL, {"published_after": value})
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert_error(response, 400)


def _cursor(*values) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(values)).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "values",
    [
        ("2026-01-01T00:00:00+00:00", 10**30, "-published_at", 0),  # beyond any integer column
        ("2026-01-01T00:00:00+00:00", 2**63, "-published_at", 0),
        ("2026-01-01T00:00:00+00:00", -1, "-published_at", 0),
        ("2026-01-01T00:00:00+00:00", "7", "-published_at", 0),
        ("2026-01-01T00:00:00+00:00", 7, "-published_at", "yes"),
        ("0001-01-01T00:00:00+05:00", 7, "-published_at", 0),  # before year 1 in UTC
        ("9999-12-31T23:59:59-05:00", 7, "-published_at", 0),  # after year 9999 in UTC
        ("2026-02-30T00:00:00+00:00", 7, "-published_at", 0),
    ],
)
def test_forged_cursors_get_a_400_never_a_500(api_client, article, values):
    article(published=True)
    response = api_client.get(URL, {"cursor": _cursor(*values)})
    assert_error(response, 400)
    assert "cursor" in response.json()["error"]["details"]


def test_a_cursor_with_an_odd_utc_offset_means_the_same_instant(api_client, article):
    from content.models.snapshots import DeliverySnapshot

    older, middle, _newer = (article(title=f"C{i}", published=True) for i in range(3))
    row = DeliverySnapshot.objects.get(kind="article", object_id=middle.pk)
    # PostgreSQL refuses offsets beyond ±15:59, so the cursor's instant is converted first.
    odd = row.published_at.astimezone(timezone.get_fixed_timezone(16 * 60 + 50)).isoformat()
    response = api_client.get(URL, {"cursor": _cursor(odd, row.pk, "-published_at", 0)})
    assert response.status_code == 200, response.content
    assert ids(response) == [older.pk]


def test_title_ordering_pages_by_number_so_next_reaches_every_item(api_client, article):
    for title in ("Cherry", "Apple", "Banana"):
        article(title=title, published=True)
    first = api_client.get(URL, {"ordering": "title", "limit": 2, "fields": "title"}).json()
    assert [i["title"] for i in first["results"]] == ["Apple", "Banana"]
    assert first["count"] == 3
    second = api_client.get(first["next"]).json()
    assert [i["title"] for i in second["results"]] == ["Cherry"]
    assert second["next"] is None
