"""Inputs that schemathesis (the last leg of .ci/run) found crashing the API, kept as tests.

They are not marked `integration`: both `make test` legs run them, and the PostgreSQL leg
is the one where most of them used to fail.
"""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.services import user_create
from tests.assertions import assert_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_api() -> APIClient:
    admin = user_create(
        actor=None,
        email="fuzz-admin@example.com",
        password="a-long-enough-passphrase-1",
        roles=["Administrator"],
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(admin).access_token}")
    return client


@pytest.mark.parametrize("offset", ["+16:50", "-23:59", "+00:00", "Z"])
def test_audit_filter_accepts_any_utc_offset_python_parses(admin_api, offset):
    # PostgreSQL refuses offsets beyond ±15:59; the filter converts to UTC first.
    response = admin_api.get(
        "/api/v1/governance/audit-events/", {"created_before": f"2000-01-01T00:00:06{offset}"}
    )
    assert response.status_code == 200, response.content[:500]


@pytest.mark.parametrize(
    "value", ["9999-12-31T23:59:59-10:00", "0001-01-01T00:00:00+10:00", "2000-13-01T00:00:00"]
)
def test_audit_filter_outside_the_calendar_is_a_400(admin_api, value):
    response = admin_api.get("/api/v1/governance/audit-events/", {"created_after": value})
    assert_error(response, 400, "validation_error")


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/delivery/categories/?locale=%F1%A9%9D%AA%C3%89%C3%B7E%00BJW",
        "/api/v1/delivery/articles/?search=a%00b",
        "/api/v1/delivery/tags/?%00=1",
        "/api/v1/delivery/articles/a%00b/",
    ],
)
def test_nul_characters_in_the_url_are_a_400(url):
    # PostgreSQL text cannot hold NUL: it used to reach the database and answer 500 there.
    error = assert_error(APIClient().get(url), 400, "validation_error")
    assert error["details"]


def test_nul_characters_in_authenticated_filters_are_a_400(admin_api):
    response = admin_api.get("/api/v1/governance/audit-events/", {"action": "a\x00b"})
    assert assert_error(response, 400, "validation_error")["details"] == {
        "action": ["NUL characters are not allowed."]
    }


def test_a_malformed_id_in_the_url_is_a_404(admin_api):
    # The router's id pattern lets "null,null" through; the lookup must not turn it into a 500.
    response = admin_api.post("/api/v1/governance/review-links/null,null/revoke/")
    assert_error(response, 404)


def test_the_schema_admits_a_workflow_step_without_a_group(admin_api):
    # The seeded "Standard review" step names a role, so its group is null in responses.
    steps = admin_api.get("/api/v1/governance/workflows/").json()["results"][0]["steps"]
    assert any(step["group"] is None for step in steps)
    schema = admin_api.get("/api/schema/", {"format": "json"}).json()
    assert schema["components"]["schemas"]["WorkflowStep"]["properties"]["group"]["nullable"]


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/api/v1/articles/", "owner"),
        ("/api/v1/articles/", "category"),
        ("/api/v1/articles/", "tag"),
        ("/api/v1/articles/", "author"),
        ("/api/v1/pages/", "parent"),
        ("/api/v1/pages/", "depth"),
        ("/api/v1/categories/", "parent"),
        ("/api/v1/governance/audit-events/", "actor"),
    ],
)
@pytest.mark.parametrize(
    "value", ["-6.2675239473085865e+252", "1e80", "0.5", "9223372036854775808"]
)
def test_an_id_filter_that_is_not_a_whole_number_in_range_is_a_400(admin_api, path, name, value):
    # SQLite cannot bind an integer past 64 bits: these used to be 500s there.
    error = assert_error(admin_api.get(path, {name: value}), 400, "validation_error")
    assert name in error["details"]


def test_id_filters_are_integers_in_the_schema(admin_api):
    schema = admin_api.get("/api/schema/", {"format": "json"}).json()
    params = schema["paths"]["/api/v1/articles/"]["get"]["parameters"]
    owner = next(p for p in params if p["name"] == "owner")
    assert owner["schema"]["type"] == "integer"
