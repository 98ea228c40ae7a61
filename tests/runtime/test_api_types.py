"""content-types/: defining types through the API, every refusal at once, who may, and
the built-in types listed read-only."""

from __future__ import annotations

import pytest

from tests.assertions import assert_error
from tests.runtime.conftest import CONCERT, PERSON

pytestmark = pytest.mark.django_db

URL = "/api/v1/content-types/"
NOT_ADMINS = ("Editor", "Author", "Reviewer", "Viewer")


def test_an_administrator_defines_a_type_and_reads_it_back(types, client_for):
    concert = types["concert"]
    assert concert["api_id"] == "concert"
    assert concert["builtin"] is False
    assert concert["revision"] == 1
    assert concert["endpoint"] == "/api/v1/entries/concert/"
    assert concert["title_field"] == "title"
    assert [f["api_id"] for f in concert["fields"]] == [f["api_id"] for f in CONCERT["fields"]]
    price = next(f for f in concert["fields"] if f["api_id"] == "price")
    assert price["type"] == "decimal"
    assert price["options"] == {"min_value": 0}
    assert price["key"]  # the storage key a PATCH names the field by

    detail = client_for("Viewer").get(f"{URL}concert/")
    assert detail.status_code == 200
    assert detail.json() == concert


def test_every_problem_is_listed_in_one_400(client_for):
    definition = {
        "api_id": "band",
        "name": "Band",
        "fields": [
            {"api_id": "name", "type": "text"},
            {"api_id": "name", "type": "text"},
            {"api_id": "slug", "type": "text"},
            {"api_id": "limit", "type": "integer"},
            {"api_id": "colour", "type": "colour"},
            {"api_id": "label", "type": "reference", "options": {"types": ["record_label"]}},
            {"api_id": "code", "type": "text", "options": {"pattern": "([a-z"}},
        ],
    }
    response = client_for("Administrator").post(URL, definition, format="json")
    error = assert_error(response, 400, "validation_error")
    details = error["details"]
    assert "unique" in details["fields"][0]  # the repeated name
    assert "reserved" in details["fields[2].api_id"][0]
    assert "reserved" in details["fields[3].api_id"][0]
    assert "Unknown field type" in details["fields[4].type"][0]
    assert "record_label" in details["fields[5].options"][0]
    assert "pattern" in details["fields[6].options"][0]
    # Nothing was defined.
    assert client_for("Administrator").get(f"{URL}band/").status_code == 404


def test_a_name_already_taken_is_refused(types, client_for):
    response = client_for("Administrator").post(URL, PERSON, format="json")
    assert "already exists" in assert_error(response, 400)["details"]["api_id"][0]
    response = client_for("Administrator").post(
        URL, {**PERSON, "api_id": "articles"}, format="json"
    )
    assert_error(response, 400)


@pytest.mark.parametrize("role", NOT_ADMINS)
def test_only_administrators_define_or_change_types(types, client_for, role):
    client = client_for(role)
    assert_error(client.post(URL, {**PERSON, "api_id": "band"}, format="json"), 403)
    assert_error(client.patch(f"{URL}concert/", {"name": "Gig"}, format="json"), 403)
    # ...and every role reads them.
    assert client.get(URL).status_code == 200
    assert client.get(f"{URL}concert/revisions/").status_code == 200


def test_anonymous_is_401(client_for):
    assert_error(client_for("anonymous").get(URL), 401)


def test_built_in_types_are_listed_read_only(types, client_for):
    body = client_for("Author").get(URL, {"limit": 100}).json()
    by_id = {item["api_id"]: item for item in body["results"]}
    assert {"article", "page", "person", "concert"} <= set(by_id)
    article = by_id["article"]
    assert article["builtin"] is True
    assert article["endpoint"] == "/api/v1/articles/"
    kinds = {f["api_id"]: f["type"] for f in article["fields"]}
    assert kinds["title"] == "text"
    assert kinds["body"] == "rich_text"
    assert kinds["summary"] == "long_text"
    assert kinds["cover_image"] == "media"
    assert kinds["published_date"] == "date"
    assert kinds["next_review_at"] == "datetime"
    tags = next(f for f in article["fields"] if f["api_id"] == "tags")
    assert tags["type"] == "reference"
    assert tags["options"]["many"] is True
    parent = next(f for f in by_id["page"]["fields"] if f["api_id"] == "parent")
    assert parent["options"] == {"types": ["page"]}

    admin = client_for("Administrator")
    error = assert_error(admin.patch(f"{URL}article/", {"name": "Post"}, format="json"), 405)
    assert "built in" in error["message"]
    assert admin.get(f"{URL}article/").json() == article
    assert admin.get(f"{URL}article/revisions/").json()["results"] == []


def test_a_change_is_a_new_revision_and_renames_keep_the_field(types, client_for):
    admin = client_for("Administrator")
    fields = types["person"]["fields"]
    renamed = [fields[0], {**fields[1], "api_id": "contact"}]
    response = admin.patch(f"{URL}person/", {"fields": renamed}, format="json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["revision"] == 2
    assert [f["api_id"] for f in body["fields"]] == ["name", "contact"]
    assert body["fields"][1]["key"] == fields[1]["key"]

    revisions = admin.get(f"{URL}person/revisions/").json()["results"]
    assert [r["number"] for r in revisions] == [2, 1]
    assert revisions[0]["message"] == "update"
    assert revisions[1]["author"] is not None
    assert [f["api_id"] for f in revisions[1]["snapshot"]["fields"]] == ["name", "email"]


def test_a_bad_change_lists_its_problems(types, client_for):
    fields = types["person"]["fields"]
    bad = [{**fields[0], "type": "integer"}, {**fields[1], "api_id": "status"}]
    response = client_for("Administrator").patch(
        f"{URL}person/", {"fields": bad}, format="json", HTTP_IF_MATCH='"1"'
    )
    details = assert_error(response, 400)["details"]
    assert "fields[1].api_id" in details
    assert "title_field" in details


def test_an_unknown_type_is_404(client_for):
    assert_error(client_for("Viewer").get(f"{URL}nothing/"), 404)
    assert_error(client_for("Administrator").patch(f"{URL}nothing/", {}, format="json"), 404)


def test_a_change_needs_the_revision_read_and_refuses_a_stale_one(types, client_for):
    admin = client_for("Administrator")
    read = admin.get(f"{URL}concert/")
    assert read["ETag"] == '"1"'
    missing = admin.patch(f"{URL}concert/", {"name": "Gig"}, format="json")
    assert_error(missing, 428, "precondition_required")
    bad = admin.patch(f"{URL}concert/", {"name": "Gig"}, format="json", HTTP_IF_MATCH="soon")
    assert "If-Match" in assert_error(bad, 400)["details"]

    changed = admin.patch(f"{URL}concert/", {"name": "Gig"}, format="json", HTTP_IF_MATCH='"1"')
    assert changed.status_code == 200, changed.content
    assert changed["ETag"] == '"2"'
    assert changed.json()["revision"] == 2
    stale = admin.patch(f"{URL}concert/", {"name": "Show"}, format="json", HTTP_IF_MATCH='"1"')
    error = assert_error(stale, 412, "precondition_failed")
    assert error["details"]["current_version"] == 2
    assert admin.get(f"{URL}concert/").json()["name"] == "Gig"  # the stale change is not made
    # The revision may come in the body instead, as an entry's `version` does.
    body = admin.patch(f"{URL}concert/", {"name": "Show", "revision": 2}, format="json")
    assert body.status_code == 200, body.content
    assert body.json()["name"] == "Show"
    assert admin.get(f"{URL}concert/revisions/").json()["count"] == 3


def test_a_built_in_type_has_no_etag(client_for):
    response = client_for("Viewer").get(f"{URL}article/")
    assert response.status_code == 200
    assert "ETag" not in response


@pytest.mark.parametrize("api_id", ["export", "locale", "media", "article"])
def test_a_type_may_not_take_a_route_or_record_name_or_a_built_in_one(client_for, api_id):
    definition = {"api_id": api_id, "name": "Clash", "fields": []}
    response = client_for("Administrator").post(URL, definition, format="json")
    error = assert_error(response, 400, "validation_error")
    assert error["details"]["api_id"]


def test_a_type_may_not_take_a_code_models_name(client_for):
    # Its OpenAPI components would clash with the model's (`MediaAsset`, `User`).
    for api_id in ("media_asset", "user"):
        definition = {"api_id": api_id, "name": "Clash", "fields": []}
        response = client_for("Administrator").post(URL, definition, format="json")
        assert "reserved" in assert_error(response, 400, "validation_error")["details"]["api_id"][0]


def test_values_of_the_wrong_json_type_are_400s_not_500s(client_for):
    # Found by schemathesis: a field whose "type" (and "key") is an object.
    definition = {
        "api_id": "band",
        "name": "Band",
        "fields": [{"key": {}, "api_id": "name", "type": {}, "options": []}],
    }
    response = client_for("Administrator").post(URL, definition, format="json")
    details = assert_error(response, 400, "validation_error")["details"]
    assert "Unknown field type" in details["fields[0].type"][0]
    assert "key" in details["fields[0].key"][0]


def test_a_default_must_be_a_value_the_field_takes(client_for):
    definition = {
        "api_id": "band",
        "name": "Band",
        "fields": [
            {"api_id": "members", "type": "integer", "default": "four"},
            {"api_id": "genre", "type": "choice", "options": {"choices": ["rock"]}, "default": "x"},
            {"api_id": "founded", "type": "date", "default": "2001-02-03"},
        ],
    }
    response = client_for("Administrator").post(URL, definition, format="json")
    details = assert_error(response, 400, "validation_error")["details"]
    assert details["fields[0].default"] == ["Must be a whole number."]
    assert "rock" in details["fields[1].default"][0]
    assert "fields[2].default" not in details
