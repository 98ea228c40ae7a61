"""A release mixes types defined as data with articles: items load as their own type."""

from __future__ import annotations

import pytest

from content.models import Status
from governance.models import Workflow
from tests.content.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_a_release_publishes_and_reverts_an_entry_of_a_runtime_type(types, client_for, users):
    Workflow.objects.update(is_active=False)  # publishing directly (workflows: governance tests)
    editor = client_for("Editor")
    person = editor.post("/api/v1/entries/person/", {"name": "Ada"}, format="json").json()
    article = ArticleFactory()
    release = editor.post("/api/v1/releases/", {"name": "Mixed"}, format="json").json()
    url = f"/api/v1/releases/{release['id']}/"
    for body in ({"type": "person", "id": person["id"]}, {"type": "article", "id": article.pk}):
        response = editor.post(f"{url}items/", body, format="json")
        assert response.status_code == 201, response.content
    items = editor.get(f"{url}items/").json()["results"]
    assert [(i["type"], i["title"]) for i in items] == [
        ("person", "Ada"),
        ("article", article.title),
    ]

    published = editor.post(f"{url}publish/", {}, format="json")
    assert published.status_code == 200, published.content
    assert (
        editor.get(f"/api/v1/entries/person/{person['id']}/").json()["status"] == Status.PUBLISHED
    )
    delivered = client_for("anonymous").get("/api/v1/delivery/entries/person/")
    assert [e["id"] for e in delivered.json()["results"]] == [person["id"]]

    assert editor.post(f"{url}revert/").status_code == 200
    assert editor.get(f"/api/v1/entries/person/{person['id']}/").json()["status"] == Status.DRAFT
