"""A release mixes types defined as data with articles: items load as their own type."""

from __future__ import annotations

import pytest
from django.test import Client

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


def test_a_release_preview_shows_a_runtime_type_entry_with_its_filters(types, client_for):
    Workflow.objects.update(is_active=False)
    editor = client_for("Editor")
    concert = {"title": "Spring gala", "venue": "Harbour hall", "starts_at": "2031-05-01T20:00Z"}
    made = editor.post("/api/v1/entries/concert/", concert, format="json")
    assert made.status_code == 201, made.content
    release = editor.post("/api/v1/releases/", {"name": "Season"}, format="json").json()
    url = f"/api/v1/releases/{release['id']}/"
    editor.post(f"{url}items/", {"type": "concert", "id": made.json()["id"]}, format="json")
    token = editor.post(f"{url}preview-token/").json()["token"]

    public, frontend = Client(), Client(HTTP_X_FOLIO_RELEASE_PREVIEW=token)
    delivery = "/api/v1/delivery/entries/concert/"
    assert public.get(delivery).json()["results"] == []
    listed = frontend.get(delivery, {"venue": "Harbour hall"}).json()["results"]
    assert [c["title"] for c in listed] == ["Spring gala"]
    assert frontend.get(delivery, {"venue": "Elsewhere"}).json()["results"] == []
    slug = listed[0]["slug"]
    assert frontend.get(f"{delivery}{slug}/").json()["venue"] == "Harbour hall"
    assert public.get(f"{delivery}{slug}/").status_code == 404
