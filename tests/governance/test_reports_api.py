"""`GET governance/reports/`: the list of governance reports, with their absolute URLs, for
the same readers as the reports themselves; and its response matches the published schema."""

from __future__ import annotations

from datetime import timedelta

import jsonschema
import pytest
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from accounts.services import api_key_create
from content.models import Article
from tests.accounts.factories import UserFactory
from tests.assertions import assert_error
from tests.content.factories import ArticleFactory

pytestmark = pytest.mark.django_db

INDEX = "/api/v1/governance/reports/"
NAMES = ["stale", "overdue-reviews", "violations", "activity"]


def _client(user=None, *, key: str | None = None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    if key is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client


def test_index_lists_every_report_with_its_absolute_url_and_parameters(settings):
    settings.CONTENT_STALE_AFTER_DAYS = 90
    response = _client(UserFactory(role="Viewer")).get(INDEX)
    assert response.status_code == 200, response.content
    rows = response.json()["results"]
    assert [r["name"] for r in rows] == NAMES
    for row in rows:
        assert row["url"] == f"http://testserver{INDEX}{row['name']}/"
        assert row["title"]
        assert row["description"]
    by_name = {r["name"]: r for r in rows}
    assert "90 days" in by_name["stale"]["description"]  # the setting, not a placeholder
    assert [p["name"] for p in by_name["activity"]["parameters"]] == ["days"]
    assert all(not by_name[n]["parameters"] for n in NAMES if n != "activity")


def test_the_listed_urls_answer_with_their_report(settings):
    settings.CONTENT_STALE_AFTER_DAYS = 10
    old = ArticleFactory(title="Old one")
    Article.objects.filter(pk=old.pk).update(
        next_review_at=timezone.now() - timedelta(days=1),
        updated_at=timezone.now() - timedelta(days=30),
    )
    client = _client(UserFactory(role="Author"))
    for row in client.get(INDEX).json()["results"]:
        response = client.get(row["url"])  # the absolute URL, as a client would follow it
        assert response.status_code == 200, (row["url"], response.content[:300])
        body = response.json()
        assert body["report"] == row["name"]
        if row["name"] in ("stale", "overdue-reviews"):
            assert [r["title"] for r in body["results"]] == ["Old one"]
        for parameter in row["parameters"]:
            assert client.get(row["url"], {parameter["name"]: "7"}).status_code == 200


def test_index_has_the_reports_permissions():
    assert_error(APIClient().get(INDEX), 401)
    # Authenticated but in no role: the reports are refused, and so is their list.
    nobody = _client(UserFactory())
    assert_error(nobody.get(INDEX), 403)
    assert_error(nobody.get(f"{INDEX}stale/"), 403)
    admin = UserFactory(role="Administrator")
    _, delivery_key = api_key_create(actor=admin, name="site", scopes=["delivery:read"])
    assert_error(_client(key=delivery_key).get(INDEX), 403)
    _, content_key = api_key_create(actor=admin, name="bi", scopes=["content:read"])
    assert _client(key=content_key).get(INDEX).status_code == 200
    for role in ("Viewer", "Author", "Reviewer", "Editor", "Administrator"):
        assert _client(UserFactory(role=role)).get(INDEX).status_code == 200, role


def test_index_refuses_unknown_query_parameters():
    response = _client(UserFactory(role="Viewer")).get(INDEX, {"days": "7"})
    assert assert_error(response, 400, "validation_error")["details"] == {
        "days": ["Unknown query parameter."]
    }


def test_index_matches_its_schema():
    spec = SchemaGenerator().get_schema(request=None, public=True)
    operation = spec["paths"][INDEX]["get"]
    assert operation["operationId"] == "governance_reports_list"
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    body = _client(UserFactory(role="Viewer")).get(INDEX).json()
    validator = jsonschema.Draft7Validator({**schema, "components": spec["components"]})
    assert not list(validator.iter_errors(body))
    # The schema is typed down to each row, so generated clients get real fields.
    row = spec["components"]["schemas"]["ReportInfo"]
    assert set(row["required"]) == {"name", "title", "description", "url", "parameters"}
