"""`api/v1/releases/`: the management API over the release services, in the error format."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from content import services
from content.models import Article, ReleaseStatus, Status
from governance.audit.models import AuditEvent
from tests.assertions import assert_error
from tests.content.factories import ArticleFactory, PageFactory
from tests.governance.policy_fixtures import banned

URL = "/api/v1/releases/"


def _create(client, name="Launch"):
    response = client.post(URL, {"name": name, "description": "Spring"}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def _add(client, release_id, entry, **extra):
    type_name = "page" if entry._meta.model_name == "page" else "article"
    return client.post(
        f"{URL}{release_id}/items/", {"type": type_name, "id": entry.pk, **extra}, format="json"
    )


@pytest.mark.django_db
def test_editor_builds_validates_and_publishes_a_release(editor_client):
    articles = [ArticleFactory() for _ in range(2)]
    page = PageFactory(published=True)
    release = _create(editor_client)
    assert release["status"] == "draft"
    for article in articles:
        assert _add(editor_client, release["id"], article).status_code == 201
    added = _add(editor_client, release["id"], page, action="unpublish")
    assert added.json()["action"] == "unpublish"

    listed = editor_client.get(f"{URL}{release['id']}/items/").json()
    assert listed["count"] == 3
    assert [i["title"] for i in listed["results"][:2]] == [a.title for a in articles]
    checked = editor_client.post(f"{URL}{release['id']}/validate/").json()
    assert checked["ready"] is True
    assert all(i["blockers"] == [] for i in checked["items"])

    published = editor_client.post(f"{URL}{release['id']}/publish/", {}, format="json")
    assert published.status_code == 200, published.content
    assert published.json()["status"] == "published"
    assert Article.objects.filter(status=Status.PUBLISHED).count() == 2
    items = editor_client.get(f"{URL}{release['id']}/items/").json()["results"]
    assert items[2]["previous_revision"] == 1  # the page's live revision, for the revert

    reverted = editor_client.post(f"{URL}{release['id']}/revert/")
    assert reverted.json()["status"] == "reverted"
    assert Article.objects.filter(status=Status.PUBLISHED).count() == 0
    page.refresh_from_db()
    assert page.status == Status.PUBLISHED


@pytest.mark.django_db
def test_a_blocked_release_answers_400_with_each_item_and_publishes_nothing(editor_client):
    banned(terms=("forbidden",))
    good, bad = ArticleFactory(), ArticleFactory(title="forbidden fruit")
    release = _create(editor_client)
    _add(editor_client, release["id"], good)
    _add(editor_client, release["id"], bad)

    checked = editor_client.post(f"{URL}{release['id']}/validate/").json()
    assert checked["ready"] is False
    assert [bool(i["blockers"]) for i in checked["items"]] == [False, True]
    detail = editor_client.get(f"{URL}{release['id']}/").json()
    assert detail["blocked"] == 1

    response = editor_client.post(f"{URL}{release['id']}/publish/", {}, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert "1 of 2 item(s) refused" in error["message"]
    assert [(i["type"], i["id"]) for i in error["details"]["items"]] == [("article", bad.pk)]
    assert "forbidden" in error["details"]["items"][0]["reasons"][0]
    assert editor_client.get(f"{URL}{release['id']}/").json()["status"] == "failed"
    assert not Article.objects.filter(status=Status.PUBLISHED).exists()


@pytest.mark.django_db
def test_publish_at_schedules_and_unschedule_clears(editor_client):
    release = _create(editor_client)
    _add(editor_client, release["id"], ArticleFactory())
    when = (timezone.now() + timedelta(minutes=2)).isoformat()
    scheduled = editor_client.post(
        f"{URL}{release['id']}/publish/", {"publish_at": when}, format="json"
    ).json()
    assert scheduled["status"] == ReleaseStatus.SCHEDULED
    assert scheduled["publish_at"] is not None
    cleared = editor_client.post(f"{URL}{release['id']}/unschedule/").json()
    assert (cleared["status"], cleared["publish_at"]) == ("draft", None)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("", {"name": ""}, "name"),
        ("", {"name": "x", "colour": "red"}, "colour"),
        ("{id}/items/", {"type": "nope", "id": 1}, "type"),
        ("{id}/items/", {"type": "article", "id": "{article}", "action": "delete"}, "action"),
        ("{id}/items/", {"type": "article", "id": "{article}", "revision": 99}, "revision"),
        ("{id}/publish/", {"publish_at": "yesterday"}, "publish_at"),
        ("{id}/publish/", {"publish_at": "2001-01-01T00:00:00Z"}, "publish_at"),
    ],
)
def test_bad_input_is_a_400_in_the_error_format(editor_client, path, body, field):
    release = _create(editor_client)
    article = ArticleFactory()
    _add(editor_client, release["id"], ArticleFactory())
    body = {k: (article.pk if v == "{article}" else v) for k, v in body.items()}
    response = editor_client.post(URL + path.format(id=release["id"]), body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["details"]


@pytest.mark.django_db
def test_unknown_items_and_releases_are_404(editor_client):
    release = _create(editor_client)
    assert _add(editor_client, release["id"], ArticleFactory()).status_code == 201
    missing = editor_client.post(
        f"{URL}{release['id']}/items/", {"type": "article", "id": 999999}, format="json"
    )
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"
    assert editor_client.delete(f"{URL}{release['id']}/items/999999/").status_code == 404
    assert editor_client.get(f"{URL}999999/").status_code == 404


@pytest.mark.django_db
def test_removing_items_and_deleting_a_draft_release(editor_client):
    release = _create(editor_client)
    item = _add(editor_client, release["id"], ArticleFactory()).json()
    assert editor_client.delete(f"{URL}{release['id']}/items/{item['item']}/").status_code == 204
    assert editor_client.get(f"{URL}{release['id']}/items/").json()["count"] == 0
    assert (
        editor_client.post(f"{URL}{release['id']}/publish/", {}, format="json").status_code == 400
    )
    renamed = editor_client.patch(f"{URL}{release['id']}/", {"name": "Later"}, format="json")
    assert renamed.json()["name"] == "Later"
    assert editor_client.delete(f"{URL}{release['id']}/").status_code == 204


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["Author", "Reviewer", "Viewer"])
def test_only_editors_manage_releases(client_for, editor_client, role):
    release = _create(editor_client)
    _add(editor_client, release["id"], ArticleFactory())
    client = client_for(role)
    assert client.get(URL).status_code == 200  # every role may see them
    for method, path in [
        ("post", ""),
        ("post", "{id}/items/"),
        ("post", "{id}/validate/"),
        ("post", "{id}/publish/"),
        ("post", "{id}/revert/"),
        ("delete", "{id}/"),
    ]:
        response = getattr(client, method)(URL + path.format(id=release["id"]), {}, format="json")
        assert response.status_code == 403, (method, path)
        assert response.json()["error"]["code"] == "permission_denied"
    assert client_for("anonymous").get(URL).status_code == 401
    assert not Article.objects.filter(status=Status.PUBLISHED).exists()


@pytest.mark.django_db
def test_editors_get_a_release_preview_token_which_is_audited(editor_client, client_for, settings):
    release = _create(editor_client)
    url = f"{URL}{release['id']}/preview-token/"
    issued = editor_client.post(url)
    assert issued.status_code == 200, issued.content
    body = issued.json()
    assert set(body) == {"token", "release", "expires_at", "frontend_url"}
    assert body["release"] == release["id"]
    assert body["frontend_url"] is None
    assert AuditEvent.objects.filter(
        action="release.preview_token", target_id=str(release["id"])
    ).exists()

    settings.FRONTEND_RELEASE_PREVIEW_URL = (
        "https://www.example.com/preview?release={release}&t={token}"
    )
    link = editor_client.post(url).json()
    assert link["frontend_url"].startswith(
        f"https://www.example.com/preview?release={release['id']}&t="
    )
    assert link["frontend_url"].endswith(link["token"])

    for role, status in (("Viewer", 403), ("Reviewer", 403), ("Author", 403), ("anonymous", 401)):
        assert_error(client_for(role).post(url), status)
    assert_error(editor_client.post(f"{URL}999999/preview-token/"), 404)


@pytest.mark.django_db
def test_a_release_that_went_out_gives_no_preview_token(editor_client):
    release = _create(editor_client)
    _add(editor_client, release["id"], ArticleFactory())
    assert (
        editor_client.post(f"{URL}{release['id']}/publish/", {}, format="json").status_code == 200
    )
    error = assert_error(editor_client.post(f"{URL}{release['id']}/preview-token/"), 400)
    assert "Cannot preview a release that is published" in error["message"]


@pytest.mark.django_db
def test_revert_lists_items_changed_since_and_overwrites_only_when_asked(editor_client, editor):
    article = ArticleFactory()
    release = _create(editor_client)
    _add(editor_client, release["id"], article)
    editor_client.post(f"{URL}{release['id']}/publish/", {}, format="json")
    services.entry_update(entry=article, actor=editor, data={"title": "Later"})
    services.entry_publish(entry=article, actor=editor)

    refused = editor_client.post(f"{URL}{release['id']}/revert/", {}, format="json")
    assert refused.status_code == 400
    error = refused.json()["error"]
    assert "changed since" in error["message"]
    assert [i["id"] for i in error["details"]["items"]] == [article.pk]
    bad = editor_client.post(
        f"{URL}{release['id']}/revert/", {"overwrite_later": "perhaps"}, format="json"
    )
    assert bad.status_code == 400
    assert "overwrite_later" in bad.json()["error"]["details"]

    done = editor_client.post(
        f"{URL}{release['id']}/revert/", {"overwrite_later": True}, format="json"
    )
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "reverted"
    assert not Article.objects.filter(status=Status.PUBLISHED).exists()
