"""Strings must be JSON strings: `"title": 123` is a 400 naming the field, across the
management API, never stored as "123". Form and multipart input (all strings) still works."""

from __future__ import annotations

import pytest

from content.models import Article
from tests.assertions import assert_error
from tests.content.factories import ArticleFactory, png_bytes
from tests.content.test_media import upload

pytestmark = pytest.mark.django_db

# (method, path, body, the field that holds a number)
CASES = [
    ("post", "/api/v1/articles/", {"title": 123}, "title"),
    ("post", "/api/v1/articles/", {"title": "Fine", "summary": 1.5}, "summary"),
    ("post", "/api/v1/pages/", {"title": "Fine", "slug": 7}, "slug"),
    ("post", "/api/v1/categories/", {"name": 7}, "name"),
    ("post", "/api/v1/tags/", {"name": 7}, "name"),
    ("post", "/api/v1/locales/", {"code": "de", "name": 5}, "name"),
    ("post", "/api/v1/redirects/", {"old_path": 1, "new_path": "/new/"}, "old_path"),
    (
        "post",
        "/api/v1/users/",
        {"email": "sam@example.com", "full_name": 5, "password": "a-long-passphrase-42"},
        "full_name",
    ),
    ("post", "/api/v1/api-keys/", {"name": 5, "scopes": ["delivery:read"]}, "name"),
    ("post", "/api/v1/webhooks/", {"name": 5, "url": "https://example.com/hook"}, "name"),
    ("patch", "/api/v1/auth/me/", {"full_name": 5}, "full_name"),
    ("post", "/api/v1/auth/token/", {"email": 5, "password": "whatever"}, "email"),
    ("post", "/api/v1/auth/password/reset/", {"email": 5}, "email"),
]


@pytest.mark.parametrize(
    ("method", "path", "body", "field"), CASES, ids=[f"{c[1]}{c[3]}" for c in CASES]
)
def test_a_number_for_a_string_is_a_400_naming_the_field(client_for, method, path, body, field):
    client = client_for("Administrator")
    response = getattr(client, method)(path, body, format="json")
    error = assert_error(response, 400, "validation_error")
    assert error["details"][field] == ["Not a valid string."], error


def test_the_title_is_not_stored_as_text(client_for):
    response = client_for("Editor").post("/api/v1/articles/", {"title": 123}, format="json")
    assert_error(response, 400, "validation_error")
    assert not Article.objects.exists()


def test_updates_and_actions_too(client_for, editor):
    article = ArticleFactory(owner=editor)
    client = client_for("Editor")
    url = f"/api/v1/articles/{article.pk}/"
    patched = client.patch(url, {"title": 123}, format="json", HTTP_IF_MATCH=f'"{article.version}"')
    assert assert_error(patched, 400)["details"]["title"] == ["Not a valid string."]
    submitted = client.post(f"{url}submit/", {"message": 42}, format="json")
    assert assert_error(submitted, 400)["details"]["message"] == ["Not a valid string."]


def test_nested_objects_too(client_for):
    response = client_for("Administrator").post(
        "/api/v1/governance/workflows/",
        {"name": "Legal", "steps": [{"name": 9, "role": "Reviewer"}]},
        format="json",
    )
    error = assert_error(response, 400, "validation_error")
    assert error["details"]["steps"] == {"0": {"name": ["Not a valid string."]}}, error


def test_every_wrong_field_is_named_at_once(client_for):
    response = client_for("Editor").post(
        "/api/v1/articles/", {"title": 1, "summary": 2, "nope": "x"}, format="json"
    )
    details = assert_error(response, 400)["details"]
    assert set(details) == {"title", "summary", "nope"}


def test_multipart_strings_still_work(client_for):
    response = upload(client_for("Editor"), png_bytes(4, 4), title="123", alt_text="42")
    assert response.status_code == 201, response.content
    assert (response.json()["title"], response.json()["alt_text"]) == ("123", "42")
