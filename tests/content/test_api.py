"""Management API: the permission matrix, status codes, shapes, bad input, query counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiKeyScope
from accounts.services import api_key_create
from content import services
from content.models import Article, Locale, Page, Status
from content.services.grants import role_grant_create
from tests.accounts.factories import UserFactory
from tests.assertions import assert_error
from tests.content.conftest import ROLES
from tests.content.factories import (
    ArticleFactory,
    PageFactory,
    image_upload,
    make_category,
    make_image,
    make_tag,
)

pytestmark = pytest.mark.django_db

ADMIN, EDITOR, AUTHOR, REVIEWER, VIEWER = (
    "Administrator",
    "Editor",
    "Author",
    "Reviewer",
    "Viewer",
)
EVERYONE = {ADMIN, EDITOR, AUTHOR, REVIEWER, VIEWER}
WRITERS = {ADMIN, EDITOR, AUTHOR}
PUBLISHERS = {ADMIN, EDITOR}


def _reviewers() -> set[str]:
    # Reviewers approve once governance defines its review permission; until then, publishers.
    exists = Permission.objects.filter(codename="review_content").exists()
    return PUBLISHERS | ({REVIEWER} if exists else set())


def _own(factory, users, **traits):
    return factory(owner=users[AUTHOR], **traits)


def _entry_ops(kind: str, factory):
    base = f"/api/v1/{kind}"
    soon = (timezone.now() + timedelta(hours=1)).isoformat()

    def revised(users):
        entry = _own(factory, users)
        services.entry_update(entry=entry, actor=None, data={"title": "Second"})
        return entry

    return [
        ("list", "get", lambda u: f"{base}/", None, EVERYONE, 200),
        ("retrieve", "get", lambda u: f"{base}/{_own(factory, u).pk}/", None, EVERYONE, 200),
        ("create", "post", lambda u: f"{base}/", {"title": "New"}, WRITERS, 201),
        (
            "update",
            "patch",
            lambda u: f"{base}/{_own(factory, u).pk}/",
            {"title": "Edit", "version": 1},
            WRITERS,
            200,
        ),
        (
            "put",
            "put",
            lambda u: f"{base}/{_own(factory, u).pk}/",
            {"title": "Edit", "version": 1},
            WRITERS,
            200,
        ),
        ("destroy", "delete", lambda u: f"{base}/{_own(factory, u).pk}/", None, WRITERS, 204),
        ("submit", "post", lambda u: f"{base}/{_own(factory, u).pk}/submit/", {}, WRITERS, 200),
        (
            "approve",
            "post",
            lambda u: f"{base}/{_own(factory, u, in_review=True).pk}/approve/",
            {},
            None,
            200,
        ),
        (
            "reject",
            "post",
            lambda u: f"{base}/{_own(factory, u, in_review=True).pk}/reject/",
            {"message": "No"},
            None,
            200,
        ),
        (
            "publish",
            "post",
            lambda u: f"{base}/{_own(factory, u).pk}/publish/",
            None,
            PUBLISHERS,
            200,
        ),
        (
            "unpublish",
            "post",
            lambda u: f"{base}/{_own(factory, u, published=True).pk}/unpublish/",
            None,
            PUBLISHERS,
            200,
        ),
        (
            "schedule",
            "post",
            lambda u: f"{base}/{_own(factory, u).pk}/schedule/",
            {"publish_at": soon},
            PUBLISHERS,
            200,
        ),
        (
            "archive",
            "post",
            lambda u: f"{base}/{_own(factory, u).pk}/archive/",
            None,
            PUBLISHERS,
            200,
        ),
        ("trash", "post", lambda u: f"{base}/{_own(factory, u).pk}/trash/", None, WRITERS, 200),
        (
            "restore",
            "post",
            lambda u: f"{base}/{_own(factory, u, trashed=True).pk}/restore/",
            None,
            WRITERS,
            200,
        ),
        (
            "preview-link",
            "post",
            lambda u: f"{base}/{_own(factory, u).pk}/preview-link/",
            None,
            EVERYONE,
            200,
        ),
        (
            "revisions",
            "get",
            lambda u: f"{base}/{_own(factory, u).pk}/revisions/",
            None,
            EVERYONE,
            200,
        ),
        (
            "revision",
            "get",
            lambda u: f"{base}/{_own(factory, u).pk}/revisions/1/",
            None,
            EVERYONE,
            200,
        ),
        (
            "diff",
            "get",
            lambda u: f"{base}/{revised(u).pk}/revisions/1/diff/2/",
            None,
            EVERYONE,
            200,
        ),
        (
            "revert",
            "post",
            lambda u: f"{base}/{revised(u).pk}/revisions/1/revert/",
            {},
            WRITERS,
            200,
        ),
    ]


def _media_ops():
    return [
        ("list", "get", lambda u: "/api/v1/media/", None, EVERYONE, 200),
        ("retrieve", "get", lambda u: f"/api/v1/media/{make_image().pk}/", None, EVERYONE, 200),
        ("usage", "get", lambda u: f"/api/v1/media/{make_image().pk}/usage/", None, EVERYONE, 200),
        (
            "update",
            "patch",
            lambda u: f"/api/v1/media/{make_image().pk}/",
            {"title": "T"},
            WRITERS,
            200,
        ),
        ("destroy", "delete", lambda u: f"/api/v1/media/{make_image().pk}/", None, PUBLISHERS, 204),
    ]


def _taxonomy_ops(kind: str, make, create_body, update_body):
    base = f"/api/v1/{kind}"
    return [
        ("list", "get", lambda u: f"{base}/", None, EVERYONE, 200),
        ("retrieve", "get", lambda u: f"{base}/{make().pk}/", None, EVERYONE, 200),
        ("create", "post", lambda u: f"{base}/", create_body, PUBLISHERS, 201),
        ("update", "patch", lambda u: f"{base}/{make().pk}/", update_body, PUBLISHERS, 200),
        ("destroy", "delete", lambda u: f"{base}/{make().pk}/", None, PUBLISHERS, 204),
    ]


_n = iter(range(10**6))


def _locale():
    n = next(_n)
    return services.taxonomy.taxonomy_create(
        model=__import__("content.models", fromlist=["Locale"]).Locale,
        actor=None,
        data={"code": f"x{chr(97 + n % 26)}{chr(97 + n // 26 % 26)}", "name": "Extra"},
    )


def _redirect():
    return services.redirects.redirect_create(
        actor=None,
        data={
            "old_path": f"/old-{next(_n)}/",
            "new_path": "/new/",
            "locale": services.locale_default(),
        },
    )


OPS = [
    *(("articles", *op) for op in _entry_ops("articles", ArticleFactory)),
    *(("pages", *op) for op in _entry_ops("pages", PageFactory)),
    (
        "pages",
        "move",
        "post",
        lambda u: f"/api/v1/pages/{_own(PageFactory, u).pk}/move/",
        {"parent": None, "sort_order": 3},
        WRITERS,
        200,
    ),
    *(("media", *op) for op in _media_ops()),
    *(
        ("categories", *op)
        for op in _taxonomy_ops(
            "categories",
            lambda: make_category(f"Cat {next(_n)}"),
            {"name": "Sport"},
            {"name": "Renamed"},
        )
    ),
    *(
        ("tags", *op)
        for op in _taxonomy_ops(
            "tags", lambda: make_tag(f"tag {next(_n)}"), {"name": "django"}, {"name": "Renamed"}
        )
    ),
    *(
        ("locales", *op)
        for op in _taxonomy_ops(
            "locales", _locale, {"code": "de", "name": "Deutsch"}, {"name": "Renamed"}
        )
    ),
    *(
        ("redirects", *op)
        for op in _taxonomy_ops(
            "redirects", _redirect, {"old_path": "/a/", "new_path": "/b/"}, {"new_path": "/c/"}
        )
    ),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("resource", "name", "method", "url", "body", "allowed", "ok"),
    OPS,
    ids=[f"{op[0]}-{op[1]}" for op in OPS],
)
def test_permission_matrix(client_for, users, role, resource, name, method, url, body, allowed, ok):
    allowed = _reviewers() if allowed is None else allowed
    target = url(users)
    response = getattr(client_for(role), method)(target, body, format="json")
    if role == "anonymous":
        assert_error(response, 401)
    elif role in allowed:
        assert response.status_code == ok, (role, response.content[:400])
    else:
        assert_error(response, 403)


ENTRY_OPS = [op for op in OPS if op[0] in ("articles", "pages")]
GRANTABLE = (EDITOR, AUTHOR, REVIEWER, VIEWER)


@pytest.mark.parametrize("inside", [True, False], ids=["inside", "outside"])
@pytest.mark.parametrize("role", GRANTABLE)
@pytest.mark.parametrize(
    ("resource", "name", "method", "url", "body", "allowed", "ok"),
    ENTRY_OPS,
    ids=[f"{op[0]}-{op[1]}" for op in ENTRY_OPS],
)
def test_permission_matrix_in_a_section(
    users, role, inside, resource, name, method, url, body, allowed, ok
):
    """The section dimension: a user holding `role` only through a grant limited to a
    locale gets the role's answers on the items there, and 403 on the others (a list
    answers with nothing)."""

    default = services.locale_default()
    elsewhere = Locale.objects.create(code="xx", name="Elsewhere")
    principal = UserFactory(email="sectioned@example.com")
    role_grant_create(
        actor=None,
        data={"user": principal, "role": role, "locale": default if inside else elsewhere},
    )
    # The principal stands in for the role's user, so Authors act on their own drafts.
    target = url({**users, role: principal} if role == AUTHOR else users)
    client = APIClient()
    client.force_authenticate(principal)
    response = getattr(client, method)(target, body, format="json")
    allowed = _reviewers() if allowed is None else allowed
    if (inside and role in allowed) or (name == "list" and role in allowed):
        assert response.status_code == ok, (role, response.content[:400])
        if name == "list" and not inside:
            assert response.json()["results"] == []
    else:
        assert_error(response, 403)


@pytest.mark.parametrize("role", ROLES)
def test_media_upload_matrix(client_for, role):
    response = client_for(role).post("/api/v1/media/", {"file": image_upload()}, format="multipart")
    expected = 401 if role == "anonymous" else 201 if role in WRITERS else 403
    assert response.status_code == expected


def test_author_cannot_touch_someone_elses_draft(client_for, users):
    other = ArticleFactory(owner=users[EDITOR])
    author = client_for(AUTHOR)
    assert_error(
        author.patch(f"/api/v1/articles/{other.pk}/", {"title": "x", "version": 1}, format="json"),
        403,
    )
    assert_error(author.delete(f"/api/v1/articles/{other.pk}/"), 403)
    live = ArticleFactory(owner=users[AUTHOR], published=True)
    assert_error(
        author.patch(f"/api/v1/articles/{live.pk}/", {"title": "x", "version": 2}, format="json"),
        403,
    )


# --- Concurrency ---------------------------------------------------------------------


def test_update_requires_a_version(editor_client):
    article = ArticleFactory()
    response = editor_client.patch(f"/api/v1/articles/{article.pk}/", {"title": "x"}, format="json")
    assert_error(response, 428, "precondition_required")


def test_stale_version_is_412_with_current_version(editor_client):
    article = ArticleFactory()
    url = f"/api/v1/articles/{article.pk}/"
    first = editor_client.patch(url, {"title": "First"}, format="json", HTTP_IF_MATCH='"1"')
    assert first.status_code == 200
    assert first["ETag"] == '"2"'
    lost = editor_client.patch(url, {"title": "Lost"}, format="json", HTTP_IF_MATCH='"1"')
    error = assert_error(lost, 412, "precondition_failed")
    assert error["details"]["current_version"] == 2
    assert Article.objects.get(pk=article.pk).title == "First"
    stale_body = editor_client.patch(url, {"title": "Lost", "version": 1}, format="json")
    assert_error(stale_body, 412)
    assert_error(editor_client.patch(url, {"title": "x"}, format="json", HTTP_IF_MATCH="nope"), 400)


# --- Shapes ----------------------------------------------------------------------------

ENTRY_KEYS = {
    "id",
    "title",
    "slug",
    "locale",
    "status",
    "version",
    "body",
    "owner",
    "created_at",
    "updated_at",
}


def test_article_and_page_shapes(editor_client, editor):
    image, category, tag = make_image(), make_category(), make_tag()
    response = editor_client.post(
        "/api/v1/articles/",
        {
            "title": "Shaped",
            "summary": "S",
            "category": category.pk,
            "tags": [tag.pk],
            "cover_image": image.pk,
            "body": [{"type": "paragraph", "value": {"text": "Hi"}}],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert ENTRY_KEYS | {"summary", "category", "tags", "authors", "cover_image"} <= set(body)
    assert body["slug"] == "shaped"
    assert body["locale"] == "en"
    assert body["status"] == "draft"
    assert body["tags"] == [tag.pk]
    assert body["authors"] == [editor.pk]
    assert response["ETag"] == '"1"'
    page = editor_client.post("/api/v1/pages/", {"title": "About us"}, format="json").json()
    assert ENTRY_KEYS | {"parent", "url_path"} <= set(page)
    assert page["url_path"] == "/about-us/"
    listing = editor_client.get("/api/v1/articles/").json()
    assert set(listing) == {"count", "next", "previous", "results"}


def test_publish_keeps_live_until_next_publish_via_api(editor_client):
    article = ArticleFactory(published=True, title="Live title")
    url = f"/api/v1/articles/{article.pk}/"
    edited = editor_client.patch(
        url, {"title": "Draft title", "version": article.version}, format="json"
    ).json()
    assert edited["status"] == "published"
    assert edited["has_unpublished_changes"]
    assert edited["live_revision"] == 1
    assert edited["latest_revision"] == 2
    published = editor_client.post(f"{url}publish/").json()
    assert published["live_revision"] == 2
    assert not published["has_unpublished_changes"]


def test_revisions_endpoints(editor_client, editor):
    article = ArticleFactory(title="One")
    services.entry_update(entry=article, actor=editor, data={"title": "Two"})
    url = f"/api/v1/articles/{article.pk}/revisions/"
    listing = editor_client.get(url).json()
    assert [r["number"] for r in listing["results"]] == [2, 1]
    detail = editor_client.get(f"{url}1/").json()
    assert detail["snapshot"]["title"] == "One"
    diff = editor_client.get(f"{url}1/diff/2/").json()
    assert diff["changes"] == {"title": {"from": "One", "to": "Two"}}
    reverted = editor_client.post(f"{url}1/revert/", {}, format="json").json()
    assert reverted["title"] == "One"
    assert reverted["latest_revision"] == 3
    assert_error(editor_client.get(f"{url}99/"), 404)
    assert_error(editor_client.get(f"{url}1/diff/99/"), 404)
    assert_error(editor_client.post(f"{url}1/revert/", {"version": 1}, format="json"), 412)


def test_preview_link_shape(editor_client):
    article = ArticleFactory()
    link = editor_client.post(f"/api/v1/articles/{article.pk}/preview-link/").json()
    assert set(link) == {"token", "url", "expires_at", "revision"}
    assert link["token"] in link["url"]
    assert link["revision"] == 1
    assert services.preview_token_load(link["token"]).pk == article.latest_revision_id


def test_schedule_and_transitions_via_api(editor_client):
    article = ArticleFactory()
    url = f"/api/v1/articles/{article.pk}/"
    past = (timezone.now() - timedelta(hours=1)).isoformat()
    assert_error(editor_client.post(f"{url}schedule/", {"publish_at": past}, format="json"), 400)
    assert_error(
        editor_client.post(f"{url}schedule/", {"publish_at": "tomorrow"}, format="json"), 400
    )
    assert_error(editor_client.post(f"{url}unpublish/"), 400)
    assert_error(editor_client.post(f"{url}approve/"), 400)
    assert editor_client.post(f"{url}publish/").json()["status"] == "published"
    assert_error(editor_client.post(f"{url}publish/"), 400)


# --- Trash and filters -----------------------------------------------------------------


def test_trash_is_hidden_except_in_trash_view(editor_client):
    kept, gone = ArticleFactory(), ArticleFactory(trashed=True)
    ids = [a["id"] for a in editor_client.get("/api/v1/articles/").json()["results"]]
    assert ids == [kept.pk]
    trash = editor_client.get("/api/v1/articles/?trashed=true").json()["results"]
    assert [a["id"] for a in trash] == [gone.pk]
    restored = editor_client.post(f"/api/v1/articles/{gone.pk}/restore/")
    assert restored.status_code == 200
    assert restored.json()["deleted_at"] is None


def test_filters_and_ordering(editor_client, users):
    category = make_category()
    a = ArticleFactory(title="Alpha news", owner=users[AUTHOR], category=category)
    b = ArticleFactory(title="Beta", published=True)

    def get(query):
        return [x["id"] for x in editor_client.get(f"/api/v1/articles/?{query}").json()["results"]]

    assert get("status=published") == [b.pk]
    assert get(f"owner={users[AUTHOR].pk}") == [a.pk]
    assert get(f"category={category.pk}") == [a.pk]
    assert get("q=alpha") == [a.pk]
    assert get("locale=en&ordering=title") == [a.pk, b.pk]
    assert get("ordering=-title") == [b.pk, a.pk]
    assert get("locale=fr") == []


@pytest.mark.parametrize(
    "query",
    [
        "ordering=password",
        "ordering=owner__password",
        "limit=0",
        "limit=101",
        "limit=x",
        "page=0",
        "page=abc",
        "status=bogus",
        "trashed=maybe",
        "owner=me",
        "category=x",
    ],
)
def test_bad_query_parameters_are_400(editor_client, query):
    assert_error(editor_client.get(f"/api/v1/articles/?{query}"), 400)


@pytest.mark.parametrize(
    "payload",
    [
        {"title": "x", "unknown": 1},
        {"title": ""},
        {"title": "x" * 300},
        {"title": "x", "slug": "not a slug!"},
        {"title": "x", "body": "text"},
        {"title": "x", "body": [{"type": "script", "value": {}}]},
        {"title": "x", "body": [{"type": "image", "value": {"image": 12345}}]},
        {"title": "x", "tags": [999]},
        {"title": "x", "category": "abc"},
        {"title": "x", "locale": "zz"},
        {"title": "x", "status": "published"},
        {"title": "x", "version": 3},
        {"title": ["a"]},
        [],
        "just a string",
    ],
)
def test_bad_input_is_400_never_500(editor_client, payload):
    assert_error(editor_client.post("/api/v1/articles/", payload, format="json"), 400)


def test_malformed_json_is_400(editor_client):
    response = editor_client.generic(
        "POST", "/api/v1/articles/", "{not json", content_type="application/json"
    )
    assert_error(response, 400)


def test_unknown_item_is_404(editor_client):
    assert_error(editor_client.get("/api/v1/articles/999999/"), 404)
    assert_error(editor_client.post("/api/v1/pages/999999/publish/"), 404)


def test_api_key_scopes(api_client, users):
    _, read_key = api_key_create(
        actor=users[ADMIN], name="r", scopes=[ApiKeyScope.CONTENT_READ], user=users[EDITOR]
    )
    api_client.credentials(HTTP_AUTHORIZATION=f"Api-Key {read_key}")
    assert api_client.get("/api/v1/articles/").status_code == 200
    assert_error(api_client.post("/api/v1/articles/", {"title": "x"}, format="json"), 403)
    _, delivery_key = api_key_create(
        actor=users[ADMIN], name="d", scopes=[ApiKeyScope.DELIVERY_READ], user=users[EDITOR]
    )
    api_client.credentials(HTTP_AUTHORIZATION=f"Api-Key {delivery_key}")
    assert_error(api_client.get("/api/v1/articles/"), 403)


# --- Query counts ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "factory"), [("articles", ArticleFactory), ("pages", PageFactory)]
)
def test_list_query_count_is_constant(editor_client, django_assert_max_num_queries, kind, factory):
    tags = [make_tag(f"t{i}") for i in range(3)]
    for i in range(3):
        entry = factory(published=i % 2 == 0)
        if kind == "articles":
            entry.tags.set(tags)
    editor_client.get(f"/api/v1/{kind}/")  # warm the permission cache
    with django_assert_max_num_queries(6):
        small = editor_client.get(f"/api/v1/{kind}/?limit=100")
    for i in range(20):
        entry = factory(published=i % 2 == 0)
        if kind == "articles":
            entry.tags.set(tags)
    with django_assert_max_num_queries(6):
        large = editor_client.get(f"/api/v1/{kind}/?limit=100")
    assert len(large.json()["results"]) == len(small.json()["results"]) + 20


def test_media_and_taxonomy_lists_query_count(editor_client, django_assert_max_num_queries):
    for i in range(15):
        make_image(title=f"img {i}")
        make_category(f"cat {i}")
    for url in ("/api/v1/media/", "/api/v1/categories/", "/api/v1/tags/", "/api/v1/redirects/"):
        with django_assert_max_num_queries(5):
            assert editor_client.get(url).status_code == 200


def test_page_move_via_api(editor_client):
    a, b = PageFactory(title="A"), PageFactory(title="B")
    moved = editor_client.post(f"/api/v1/pages/{b.pk}/move/", {"parent": a.pk}, format="json")
    assert moved.status_code == 200
    assert moved.json()["url_path"] == "/a/b/"
    loop = editor_client.post(f"/api/v1/pages/{a.pk}/move/", {"parent": b.pk}, format="json")
    assert_error(loop, 400)
    assert Page.objects.get(pk=b.pk).parent_id == a.pk
    assert Article.objects.filter(status=Status.PUBLISHED).count() == 0
