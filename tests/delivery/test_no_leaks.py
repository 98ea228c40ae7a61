"""Nothing unpublished leaks through delivery, whatever the combination of parameters.

One fixture world holds, next to a few published articles and pages, one item in each
state the public must never see: a draft, one in review, one approved, one scheduled
for the future, a published item with unpublished changes, a published item with a
scheduled change, and archived, trashed, unpublished and expired items. Each carries a
unique marker word in its title, slug, summary and body, and shares the category, tag,
author and locale of the published ones, so every filter and every search would match
it. The matrix below then sweeps the delivery endpoints, the sitemap and the Atom feed
and asserts that no marker appears anywhere in the response (body or headers), and that
the published items do, so a broken endpoint that answers nothing fails too.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.core import signing
from django.db import transaction
from django.test import TestCase
from django.utils import timezone

from content import services
from content.models import Article, Locale, Page
from content.services.scheduling import publish_scheduled
from tests.accounts.factories import UserFactory
from tests.assertions import assert_error
from tests.content.factories import make_category, make_image, make_tag

pytestmark = pytest.mark.django_db

API = "/api/v1/delivery"

# Forbidden markers. None is a substring of another, nor of any word the public may see.
ARTICLE_LEAKS = {
    "draft": "leakdraft",
    "in_review": "leakreview",
    "approved": "leakapproved",
    "scheduled": "leakscheduled",
    "pending": "leakpending",  # published, then edited: the edit is unpublished
    "future_change": "leakfuture",  # published, then edited and the edit scheduled
    "archived": "leakarchived",
    "trashed": "leaktrashed",
    "unpublished": "leakunpublished",
    "expired": "leakexpired",  # expired, and the scheduler took it offline
    "french_draft": "leakfrench",  # a draft translation of a published article
}
PAGE_LEAKS = {
    "draft": "hidedraft",
    "in_review": "hidereview",
    "scheduled": "hidescheduled",
    "pending": "hidepending",
    "archived": "hidearchived",
    "trashed": "hidetrashed",
    "unpublished": "hideunpublished",
    "expired": "hideexpired",
    "root_pending": "hiderootpending",  # the published parent's own unpublished edit
    "draft_parent": "hideparentdraft",  # a draft page with a published child
}
FORBIDDEN = tuple(ARTICLE_LEAKS.values()) + tuple(PAGE_LEAKS.values())
LIVE_ARTICLES = ("livealpha", "livebeta", "livegamma", "livedelta")
LIVE_PAGES = ("openroot", "openchild", "openpending", "openorphan")
assert not [
    a for a in FORBIDDEN for b in FORBIDDEN + LIVE_ARTICLES + LIVE_PAGES if a != b and a in b
]


@dataclass
class World:
    author_id: int = 0
    category: str = ""
    tag: str = ""
    image_id: int = 0
    articles: dict[str, Article] = field(default_factory=dict)  # by marker word
    pages: dict[str, Page] = field(default_factory=dict)
    # Public paths some forbidden items held once (or would hold if their draft went live).
    forbidden_article_slugs: list[str] = field(default_factory=list)
    forbidden_page_paths: list[str] = field(default_factory=list)
    live_redirect: tuple[str, str] = ("", "")
    dead_redirect: str = ""

    @property
    def forbidden_ids(self) -> dict[str, set[int]]:
        return {
            "article": {
                self.articles[m].pk
                for m in ARTICLE_LEAKS.values()
                if m not in ("leakpending", "leakfuture")
            },
            "page": {
                self.pages[m].pk
                for m in PAGE_LEAKS.values()
                if m not in ("hidepending", "hiderootpending")
            },
        }


def _body(word: str) -> list[dict]:
    return [
        {"type": "heading", "value": {"text": f"About {word}", "level": 2}},
        {"type": "paragraph", "value": {"text": f"The story of {word}, told in full."}},
    ]


def _texts(word: str, kind: str) -> dict:
    data = {"title": f"{word.capitalize()} {kind}", "body": _body(word), "seo_title": word}
    if kind == "story":
        data["summary"] = f"A summary of {word}."
    return data


def _reload(entry):
    return type(entry).objects.get(pk=entry.pk)


def lapse(entry) -> None:
    """Let the item's expiry time pass (as time would), without running the scheduler."""
    past = timezone.now() - timedelta(seconds=1)
    type(entry).objects.filter(pk=entry.pk).update(expire_at=past)


def _build_world() -> World:
    s = services
    soon = timezone.now() + timedelta(hours=1)
    w = World()
    author = UserFactory(full_name="Ada Writer")
    category, tag = make_category("Gardening"), make_tag("Compost")
    image = make_image(title="Seedlings")
    french = Locale.objects.create(code="fr", name="Français")
    w.author_id, w.category, w.tag, w.image_id = author.pk, category.slug, tag.slug, image.pk
    shared = {"category": category.pk, "tags": [tag.pk], "authors": [author.pk]}

    def article(word: str, **extra):
        data = {**_texts(word, "story"), **shared, "cover_image": image.pk, **extra}
        entry = s.entry_create(model=Article, actor=None, data=data)
        w.articles[word] = entry
        return entry

    def publish(entry):
        return s.entry_publish(entry=_reload(entry), actor=None)

    def edit(entry, data):
        return s.entry_update(entry=_reload(entry), actor=None, data=data)

    def expire(entry):
        s.entry_schedule(entry=_reload(entry), actor=None, publish_at=None, expire_at=soon)
        lapse(entry)
        publish_scheduled()

    # Published articles, all in the same category, tag, author and locale.
    alpha = publish(article("livealpha"))
    beta = publish(article("livebeta", slug="livebeta-old"))
    edit(beta, {"slug": "livebeta-story"})
    publish(beta)
    w.live_redirect = ("/articles/livebeta-old/", "/articles/livebeta-story/")
    gamma = publish(article("livegamma"))
    edit(gamma, {**_texts("leakpending", "story"), "slug": "leakpending-story"})
    w.articles["leakpending"] = w.articles.pop("livegamma")
    delta = publish(article("livedelta"))
    edit(delta, _texts("leakfuture", "story"))
    s.entry_schedule(entry=_reload(delta), actor=None, publish_at=soon)
    w.articles["leakfuture"] = w.articles.pop("livedelta")

    # Articles the public must never see.
    article("leakdraft")
    s.entry_submit(entry=article("leakreview"), actor=None)
    approved = article("leakapproved")
    s.entry_submit(entry=approved, actor=None)
    s.entry_approve(entry=_reload(approved), actor=None)
    s.entry_schedule(entry=article("leakscheduled"), actor=None, publish_at=soon)
    s.entry_archive(entry=publish(article("leakarchived")), actor=None)
    trashed = publish(article("leaktrashed"))
    edit(trashed, {"slug": "leaktrashed-moved"})
    publish(trashed)  # leaves a redirect from the old path, which must die with the item
    w.dead_redirect = "/articles/leaktrashed-story/"
    s.entry_trash(entry=_reload(trashed), actor=None)
    s.entry_unpublish(entry=publish(article("leakunpublished")), actor=None)
    expire(publish(article("leakexpired")))
    w.articles["leakfrench"] = s.entry_create(
        model=Article,
        actor=None,
        data={
            **_texts("leakfrench", "story"),
            "locale": french.pk,
            "translation_key": str(alpha.translation_key),
        },
    )
    w.forbidden_article_slugs = [
        "leakpending-story",
        "leaktrashed-moved",
        *(f"{m}-story" for m in ARTICLE_LEAKS.values() if m != "leakpending"),
    ]

    # Pages: a published root with children in every state.
    def page(word: str, parent=None, **extra):
        data = {**_texts(word, "page"), "slug": word, **extra}
        if parent is not None:
            data["parent"] = parent.pk
        entry = s.entry_create(model=Page, actor=None, data=data)
        w.pages[word] = entry
        return entry

    root = publish(page("openroot"))
    publish(page("openchild", root))
    pending = publish(page("openpending", root))
    edit(pending, {**_texts("hidepending", "page"), "slug": "hidepending"})
    w.pages["hidepending"] = w.pages.pop("openpending")
    page("hidedraft", root)
    s.entry_submit(entry=page("hidereview", root), actor=None)
    s.entry_schedule(entry=page("hidescheduled", root), actor=None, publish_at=soon)
    s.entry_archive(entry=publish(page("hidearchived", root)), actor=None)
    s.entry_trash(entry=publish(page("hidetrashed", root)), actor=None)
    s.entry_unpublish(entry=publish(page("hideunpublished", root)), actor=None)
    expire(publish(page("hideexpired", root)))
    # The root's own edit, after its children went live: their payloads name their parent.
    edit(root, _texts("hiderootpending", "page"))
    w.pages["hiderootpending"] = w.pages.pop("openroot")
    # A draft page (neutral slug: a live child's URL necessarily shows it) with a live child.
    quiet = page("hideparentdraft", slug="quiet")
    publish(page("openorphan", quiet))
    w.forbidden_page_paths = [*(f"/openroot/{m}/" for m in PAGE_LEAKS.values()), "/quiet/"]
    return w


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module inside a transaction that is rolled back at the end; each
    test runs in a savepoint inside it. On-commit work (cache version bumps, reference
    rebuilds) runs as it would in production."""
    with django_db_blocker.unblock(), transaction.atomic():
        with TestCase.captureOnCommitCallbacks(execute=True):
            built = _build_world()
        yield built
        transaction.set_rollback(True)


def scan(response) -> str:
    """Fail if a forbidden marker is anywhere in the response; return its lowercased text."""
    headers = " ".join(f"{k}: {v}" for k, v in response.items())
    text = f"{headers}\n{response.content.decode()}".lower()
    leaked = [marker for marker in FORBIDDEN if marker in text]
    assert not leaked, (leaked, response.status_code, text[:3000])
    return text


def assert_shows(text: str, words) -> None:
    missing = [word for word in words if word not in text]
    assert not missing, (missing, text[:3000])


def assert_no_forbidden_ids(response, world: World, kind: str) -> None:
    results = response.json()["results"]
    shown = {item["id"] for item in results if "id" in item}
    assert not shown & world.forbidden_ids[kind], shown
    keys = set(response.get("Surrogate-Key", "").split())
    assert not keys & {f"{kind}-{pk}" for pk in world.forbidden_ids[kind]}, keys


# --- Lists: every filter, search, expand, fields and ordering ---------------------------

TOMORROW = "2999-01-01"  # far enough to hold everything published during the test
ALL_ARTICLE_FIELDS = "id,title,slug,url,summary,category,tags,authors,cover_image,updated_at"
ARTICLE_LIST_CASES = {
    "plain": {},
    "locale-en": {"locale": "en"},
    "locale-fr-falls-back": {"locale": "fr"},
    "category": {"category": "@category"},
    "tag": {"tag": "@tag"},
    "author": {"author": "@author"},
    "published-after": {"published_after": "2000-01-01"},
    "published-before": {"published_before": TOMORROW},
    "published-window": {"published_after": "2000-01-01T00:00:00Z", "published_before": TOMORROW},
    "search-shared-word": {"search": "story"},
    "search-shared-word-ordered": {"search": "story", "ordering": "title"},
    "expand-all": {"expand": "category,tags,authors,cover_image"},
    "expand-none": {"expand": ""},
    "fields": {"fields": ALL_ARTICLE_FIELDS},
    "order-title": {"ordering": "title"},
    "order-title-desc": {"ordering": "-title"},
    "order-oldest": {"ordering": "published_at"},
    "page-numbers": {"page": "1", "limit": "100"},
    "every-filter-at-once": {
        "locale": "fr",
        "category": "@category",
        "tag": "@tag",
        "author": "@author",
        "published_after": "2000-01-01",
        "published_before": TOMORROW,
        "search": "story",
        "fields": "id,title,summary,url,tags",
        "expand": "tags",
        "ordering": "-title",
        "page": "1",
    },
}
LIVE_ARTICLE_SHOWN = ("livealpha", "livebeta-story", "livegamma", "livedelta")


def resolve(params: dict, world: World) -> dict:
    values = {"@category": world.category, "@tag": world.tag, "@author": str(world.author_id)}
    return {k: values.get(v, v) for k, v in params.items()}


@pytest.mark.parametrize("case", ARTICLE_LIST_CASES)
def test_article_lists_show_live_versions_only(api_client, world, case):
    response = api_client.get(f"{API}/articles/", resolve(ARTICLE_LIST_CASES[case], world))
    assert response.status_code == 200, response.content
    assert_shows(scan(response), LIVE_ARTICLE_SHOWN)
    assert len(response.json()["results"]) == len(LIVE_ARTICLES)
    assert_no_forbidden_ids(response, world, "article")


@pytest.mark.parametrize("marker", ARTICLE_LEAKS.values())
@pytest.mark.parametrize("extra", [{}, {"page": "1"}, {"ordering": "title"}, {"locale": "fr"}])
def test_searching_for_a_hidden_word_finds_nothing(api_client, world, marker, extra):
    response = api_client.get(f"{API}/articles/", {"search": marker, **extra})
    assert response.status_code == 200
    assert response.json()["results"] == []
    scan(response)


@pytest.mark.parametrize("word", LIVE_ARTICLES)
def test_searching_for_a_live_word_finds_its_live_version(api_client, world, word):
    response = api_client.get(f"{API}/articles/", {"search": word, "expand": "tags"})
    text = scan(response)
    assert len(response.json()["results"]) == 1
    assert_shows(text, [word])


PAGE_LIST_CASES = {
    "plain": {},
    "locale-fr-falls-back": {"locale": "fr"},
    "parent": {"parent": "@root"},
    "search-shared-word": {"search": "page"},
    "expand-parent": {"expand": "parent"},
    "expand-none": {"expand": ""},
    "fields": {"fields": "id,title,slug,url,parent,updated_at"},
    "order-title": {"ordering": "title"},
    "page-numbers": {"page": "1", "limit": "100"},
    "published-window": {"published_after": "2000-01-01"},  # articles only: must be a 400
}
LIVE_PAGE_SHOWN = ("openroot", "openchild", "openpending", "openorphan")


@pytest.mark.parametrize("case", PAGE_LIST_CASES)
def test_page_lists_show_live_versions_only(api_client, world, case):
    params = dict(PAGE_LIST_CASES[case])
    if params.get("parent") == "@root":
        params["parent"] = str(world.pages["hiderootpending"].pk)
    response = api_client.get(f"{API}/pages/", params)
    text = scan(response)
    if case == "published-window":
        assert_error(response, 400)
        return
    assert response.status_code == 200, response.content
    shown = LIVE_PAGE_SHOWN
    if case == "parent":
        shown = ("openchild", "openpending", "/openroot/")
    assert_shows(text, shown)
    assert_no_forbidden_ids(response, world, "page")


# --- Pagination: walk every page, forwards and back --------------------------------------


def _walk(client, url: str, params: dict, link: str = "next") -> tuple[list[dict], list]:
    responses = [client.get(url, params)]
    while (following := responses[-1].json()[link]) is not None:
        responses.append(client.get(following))
        assert len(responses) < 50, "pagination does not end"
    return responses


@pytest.mark.parametrize(
    "params",
    [
        {"limit": "1"},
        {"limit": "1", "ordering": "published_at"},
        {"limit": "2", "category": "@category", "tag": "@tag", "author": "@author"},
        {"limit": "1", "locale": "fr", "expand": "category"},
        {"limit": "1", "search": "story"},
        {"limit": "1", "page": "1"},
        {"limit": "3", "page": "1", "ordering": "title", "fields": "id,title"},
        {"limit": "1", "ordering": "-title"},  # no cursor for titles: numbered pages
    ],
    ids=lambda p: "-".join(f"{k}={v}" for k, v in p.items()),
)
def test_every_article_page_forwards_and_back(api_client, world, params):
    params = resolve(params, world)
    forwards = _walk(api_client, f"{API}/articles/", params)
    seen: list[int] = []
    text = ""
    for response in forwards:
        assert response.status_code == 200
        text += scan(response)
        assert_no_forbidden_ids(response, world, "article")
        seen += [item["id"] for item in response.json()["results"]]
    assert len(seen) == len(set(seen))
    assert len(seen) == len(LIVE_ARTICLES)
    assert_shows(text, LIVE_ARTICLES)
    last = forwards[-1]
    if last.json()["previous"]:
        back = _walk(api_client, last.json()["previous"], {}, link="previous")
        for response in back:
            scan(response)
            assert_no_forbidden_ids(response, world, "article")
        back_ids = [i["id"] for r in reversed(back) for i in r.json()["results"]]
        assert back_ids == seen[: len(back_ids)]


@pytest.mark.parametrize("params", [{"limit": "1"}, {"limit": "1", "page": "1"}])
def test_every_page_of_pages(api_client, world, params):
    responses = _walk(api_client, f"{API}/pages/", params)
    text = "".join(scan(r) for r in responses)
    for response in responses:
        assert_no_forbidden_ids(response, world, "page")
    assert_shows(text, LIVE_PAGE_SHOWN)
    assert sum(len(r.json()["results"]) for r in responses) == len(LIVE_PAGES)


# --- Details: by slug, by path and by id --------------------------------------------------

DETAIL_VARIANTS = [
    {},
    {"locale": "fr"},
    {"fields": "title,summary,body,seo,tags,category,authors,url"},
    {"expand": ""},
    {"expand": "category,tags"},
]


@pytest.mark.parametrize("params", DETAIL_VARIANTS, ids=str)
@pytest.mark.parametrize(
    ("slug", "word"),
    [
        ("livealpha-story", "livealpha"),
        ("livebeta-story", "livebeta"),
        ("livegamma-story", "livegamma"),  # its pending edit changed the slug: still live here
        ("livedelta-story", "livedelta"),
    ],
)
def test_article_detail_shows_the_live_revision(api_client, world, slug, word, params):
    response = api_client.get(f"{API}/articles/{slug}/", params)
    assert response.status_code == 200, response.content
    assert_shows(scan(response), [word])
    if "fields" not in params:
        assert response.json()["locale"] == "en"


@pytest.mark.parametrize("params", [{}, {"locale": "fr"}, {"fields": "title"}])
def test_hidden_articles_have_no_detail(api_client, world, params):
    for slug in world.forbidden_article_slugs:
        response = api_client.get(f"{API}/articles/{slug}/", params)
        assert_error(response, 404)
        scan(response)


@pytest.mark.parametrize(
    "params",
    [{}, {"locale": "fr"}, {"fields": "title,body,children,breadcrumbs,parent"}, {"expand": ""}],
    ids=str,
)
@pytest.mark.parametrize(
    ("path", "word"),
    [
        ("/openroot/", "openroot"),
        ("/openroot/openchild/", "openchild"),
        ("/openroot/openpending/", "openpending"),
        ("/quiet/openorphan/", "openorphan"),
    ],
)
def test_pages_by_path_and_id_show_live_pages_only(api_client, world, path, word, params):
    by_path = api_client.get(f"{API}/pages/", {"path": path, **params})
    assert by_path.status_code == 200, by_path.content
    assert_shows(scan(by_path), [word])
    page_id = by_path.json().get("id") or Page.objects.get(url_path=path).pk
    by_id = api_client.get(
        f"{API}/pages/{page_id}/", {k: v for k, v in params.items() if k != "locale"}
    )
    assert by_id.status_code == 200, by_id.content
    assert_shows(scan(by_id), [word])


def test_children_and_breadcrumbs_are_live_pages(api_client, world):
    root = api_client.get(f"{API}/pages/", {"path": "/openroot/"}).json()
    assert [c["title"] for c in root["children"]] == ["Openchild page", "Openpending page"]
    assert root["breadcrumbs"] == []
    child = api_client.get(f"{API}/pages/", {"path": "/openroot/openchild/"}).json()
    assert [b["title"] for b in child["breadcrumbs"]] == ["Openroot page"]
    assert child["parent"]["title"] == "Openroot page"
    orphan = api_client.get(f"{API}/pages/", {"path": "/quiet/openorphan/"}).json()
    assert orphan["breadcrumbs"] == []


@pytest.mark.parametrize("params", [{}, {"fields": "title"}])
def test_hidden_pages_have_no_detail(api_client, world, params):
    for path in world.forbidden_page_paths:
        response = api_client.get(f"{API}/pages/", {"path": path, **params})
        assert_error(response, 404)
        scan(response)
    for pk in world.forbidden_ids["page"]:
        response = api_client.get(f"{API}/pages/{pk}/", params)
        assert_error(response, 404)
        scan(response)


# --- Everything else a frontend reads -------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "params", "shown"),
    [
        ("/categories/", {}, ["gardening"]),
        ("/categories/", {"locale": "fr"}, []),
        ("/tags/", {}, ["compost"]),
        ("/media/@image/", {}, ["seedlings"]),
        ("/media/@image/", {"rendition": "max-20"}, ["seedlings"]),
    ],
)
def test_taxonomy_and_media(api_client, world, url, params, shown):
    response = api_client.get(API + url.replace("@image", str(world.image_id)), params)
    assert response.status_code == 200, response.content
    assert_shows(scan(response), shown)


def test_redirects_lead_to_live_items_only(api_client, world):
    old, new = world.live_redirect
    found = api_client.get(f"{API}/redirects/", {"path": old})
    assert found.status_code == 200
    assert found.json()["new_path"] == new
    scan(found)
    for path in [world.dead_redirect, "/articles/leakpending-story/", "/openroot/hidepending/"]:
        response = api_client.get(f"{API}/redirects/", {"path": path})
        assert_error(response, 404)
        scan(response)


def test_sitemap_and_feed(client, world):
    sitemap = client.get("/sitemap.xml")
    assert sitemap.status_code == 200
    assert_shows(
        scan(sitemap),
        ["/articles/livealpha-story/", "/articles/livegamma-story/", "/openroot/openchild/"],
    )
    assert "/articles/livebeta-old/" not in sitemap.content.decode()
    feed = client.get("/feeds/articles.atom")
    assert feed.status_code == 200
    assert_shows(scan(feed), LIVE_ARTICLE_SHOWN)


def test_cached_responses_do_not_outlive_a_change(api_client, client, world, on_commit):
    """Warm the response cache, then edit, unpublish and trash live items."""
    urls = [
        (f"{API}/articles/", {}),
        (f"{API}/articles/", {"search": "story", "limit": "2"}),
        (f"{API}/articles/livealpha-story/", {}),
        (f"{API}/articles/livebeta-story/", {}),
        (f"{API}/pages/", {"path": "/openroot/"}),
        (f"{API}/pages/", {"path": "/openroot/openchild/"}),
    ]
    for url, params in urls:
        assert api_client.get(url, params).status_code == 200
    alpha = _reload(world.articles["livealpha"])
    on_commit(services.entry_update, entry=alpha, actor=None, data=_texts("leakdraft", "story"))
    on_commit(services.entry_unpublish, entry=_reload(world.articles["livebeta"]), actor=None)
    on_commit(services.entry_trash, entry=_reload(world.pages["openchild"]), actor=None)
    for url, params in urls:
        response = api_client.get(url, params)
        text = scan(response)
        assert "livebeta" not in text
        assert "openchild" not in text
    assert api_client.get(f"{API}/articles/livealpha-story/").json()["title"] == "Livealpha story"
    assert "openchild" not in scan(client.get("/sitemap.xml"))


# --- Preview links ----------------------------------------------------------------------


@pytest.fixture
def revisions(on_commit):
    """An article with three revisions: 1 published, 2 and 3 drafts after it."""
    entry = on_commit(
        services.entry_create, model=Article, actor=None, data=_texts("previewone", "story")
    )
    on_commit(services.entry_publish, entry=entry, actor=None)
    for word in ("previewtwo", "previewthree"):
        entry = on_commit(
            services.entry_update, entry=_reload(entry), actor=None, data=_texts(word, "story")
        )
    return _reload(entry)


@pytest.mark.parametrize(
    ("number", "word"), [(1, "previewone"), (2, "previewtwo"), (3, "previewthree")]
)
def test_a_preview_token_shows_its_own_revision(api_client, revisions, number, word):
    link = services.preview_link_create(entry=revisions, actor=None, number=number)
    response = api_client.get(f"{API}/preview/{link['token']}/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["title"] == f"{word.capitalize()} story"
    assert word in json.dumps(body["body"])
    assert set(body) >= {
        "id",
        "type",
        "title",
        "slug",
        "locale",
        "url",
        "published_at",
        "body",
        "seo",
    }
    assert response["Cache-Control"] == "private, no-store"
    # The public still sees revision 1.
    public = api_client.get(f"{API}/articles/previewone-story/")
    assert public.json()["title"] == "Previewone story"


def test_the_management_api_previews_the_latest_revision(api_client, revisions):
    editor = UserFactory(role="Editor")
    api_client.force_authenticate(editor)
    link = api_client.post(f"/api/v1/articles/{revisions.pk}/preview-link/").json()
    assert link["revision"] == 3
    api_client.force_authenticate(None)
    response = api_client.get(link["url"])
    assert response.status_code == 200
    assert response.json()["title"] == "Previewthree story"


def _tampered(token: str) -> list[str]:
    value, _, signature = token.rpartition(":")
    flipped = signature[:-1] + ("A" if signature[-1] != "A" else "B")
    payload = signing.b64_decode(value.split(":")[0].encode()) if value else b""
    other = signing.b64_encode(payload.replace(b'"r":', b'"r":9')).decode()
    return [
        f"{value}:{flipped}",  # signature changed
        f"{other}:{value.split(':', 1)[1]}:{signature}",  # payload changed (another revision)
        token[:-5],  # truncated
        "not-a-token",
        signing.TimestampSigner(salt="another.purpose").sign_object(
            {"t": "article", "e": 1, "r": 1}
        ),
    ]


def test_tampered_or_expired_preview_tokens_are_refused(api_client, revisions, settings):
    token = services.preview_link_create(entry=revisions, actor=None)["token"]
    for bad in _tampered(token):
        response = api_client.get(f"{API}/preview/{bad}/")
        assert_error(response, 400)
        assert "token" in response.json()["error"]["details"], bad
        scan(response)
    long_ago = signing.b62_encode(
        int(timezone.now().timestamp()) - settings.CONTENT_PREVIEW_MAX_AGE - 60
    )
    with mock.patch.object(signing.TimestampSigner, "timestamp", return_value=long_ago):
        stale = services.preview_link_create(entry=revisions, actor=None)["token"]
    response = api_client.get(f"{API}/preview/{stale}/")
    assert_error(response, 400)
    assert "expired" in response.json()["error"]["message"]
    # A token is good until it expires, and no longer.
    assert api_client.get(f"{API}/preview/{token}/").status_code == 200
    settings.CONTENT_PREVIEW_MAX_AGE = -1
    assert_error(api_client.get(f"{API}/preview/{token}/"), 400)


def test_a_parent_reference_follows_the_parents_live_version(api_client, world, on_commit):
    root = _reload(world.pages["hiderootpending"])
    child = f"{API}/pages/{world.pages['openchild'].pk}/"
    on_commit(services.entry_publish, entry=root, actor=None)
    assert api_client.get(child).json()["parent"]["title"] == "Hiderootpending page"
    on_commit(services.entry_unpublish, entry=_reload(root), actor=None)
    assert api_client.get(child).json()["parent"] is None


def test_an_item_is_hidden_as_soon_as_its_expiry_passes(api_client, world, on_commit):
    """Not a minute later when the scheduler runs: reads skip it, and the cached responses
    that showed it are dropped the moment it expires."""
    entry = on_commit(
        services.entry_create, model=Article, actor=None, data=_texts("goneatnoon", "story")
    )
    on_commit(services.entry_publish, entry=entry, actor=None)
    expire_at = timezone.now() + timedelta(minutes=5)  # well within the response cache TTL
    on_commit(
        services.entry_schedule,
        entry=_reload(entry),
        actor=None,
        publish_at=None,
        expire_at=expire_at,
    )
    slug = _reload(entry).slug
    urls = [
        f"{API}/articles/",
        f"{API}/articles/?search=goneatnoon",
        f"{API}/articles/{slug}/",
        "/sitemap.xml",
    ]
    before = [api_client.get(url) for url in urls]  # served, and cached
    assert all(b"goneatnoon" in r.content.lower() or slug.encode() in r.content for r in before)

    with time_machine.travel(expire_at + timedelta(seconds=1), tick=False):
        for url in urls[:2] + urls[3:]:
            response = api_client.get(url)
            assert response.status_code == 200
            assert b"goneatnoon" not in response.content.lower()
            assert slug.encode() not in response.content
        assert_error(api_client.get(urls[2]), 404)


def test_a_preview_link_dies_with_the_trashed_item(api_client, revisions, on_commit):
    token = services.preview_link_create(entry=revisions, actor=None)["token"]
    assert api_client.get(f"{API}/preview/{token}/").status_code == 200
    on_commit(services.entry_trash, entry=revisions, actor=None)
    response = api_client.get(f"{API}/preview/{token}/")
    assert_error(response, 400)
    assert "trash" in response.json()["error"]["message"]
    on_commit(services.entry_restore, entry=_reload(revisions), actor=None)
    assert api_client.get(f"{API}/preview/{token}/").status_code == 200
    Article.objects.filter(pk=revisions.pk).delete()  # deleted outright: its revisions stay
    assert_error(api_client.get(f"{API}/preview/{token}/"), 400)
