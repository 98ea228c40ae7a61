"""entries/<api_id>/: a runtime type's entries through the management API, as articles/."""

from __future__ import annotations

import pytest

from tests.assertions import assert_error

pytestmark = pytest.mark.django_db

URL = "/api/v1/entries/concert/"
GIG = {
    "title": "Night show",
    "venue": "Hall A",
    "starts_at": "2027-01-05T20:00:00+01:00",
    "price": "12.5",
    "genre": "jazz",
    "code": "NG-1",
}


@pytest.fixture
def person(types, client_for) -> dict:
    response = client_for("Editor").post(
        "/api/v1/entries/person/", {"name": "Ada", "email": "ada@example.com"}, format="json"
    )
    assert response.status_code == 201, response.content
    return response.json()


def _create(client, **changes) -> dict:
    response = client.post(URL, {**GIG, **changes}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_an_author_creates_an_entry_and_reads_its_fields_typed(types, person, client_for):
    entry = _create(client_for("Author"), headliner=person["id"])
    assert entry["title"] == "Night show"
    assert entry["status"] == "draft"
    assert entry["version"] == 1
    assert entry["venue"] == "Hall A"
    assert entry["starts_at"] == "2027-01-05T19:00:00+00:00"  # stored in UTC
    assert entry["price"] == "12.50"
    assert entry["tickets"] == 100  # the field's default
    assert entry["genre"] == "jazz"
    assert entry["headliner"] == {"type": "person", "id": person["id"]}
    assert entry["sold_out"] is None
    assert entry["url_path"] == f"/concert/{entry['slug']}/"
    assert person["title"] == "Ada"  # the title field gives the title

    listed = client_for("Viewer").get(URL).json()["results"]
    assert [item["id"] for item in listed] == [entry["id"]]
    detail = client_for("Viewer").get(f"{URL}{entry['id']}/")
    assert detail.json() == entry
    assert detail["ETag"] == '"1"'
    # The person list holds only persons.
    people = client_for("Viewer").get("/api/v1/entries/person/").json()["results"]
    assert [item["id"] for item in people] == [person["id"]]


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"starts_at": None}, "starts_at", "required"),
        ({"tickets": "many"}, "tickets", "whole number"),
        ({"price": -1}, "price", "at least 0"),
        ({"genre": "polka"}, "genre", "Choose one of"),
        ({"headliner": 999999}, "headliner", "Does not exist"),
        ({"sold_out": "yes"}, "sold_out", "true or false"),
        ({"venue": 12}, "venue", "string"),
        ({"loudness": 11}, "loudness", "Unknown"),
    ],
)
def test_a_bad_value_is_a_400_naming_the_field(types, client_for, changes, field, words):
    response = client_for("Author").post(URL, {**GIG, **changes}, format="json")
    details = assert_error(response, 400, "validation_error")["details"]
    assert words in " ".join(details[field]), details


def test_every_bad_value_is_named_at_once(types, client_for):
    bad = {**GIG, "tickets": 1.5, "genre": "polka", "starts_at": "tomorrow"}
    details = assert_error(client_for("Author").post(URL, bad, format="json"), 400)["details"]
    assert {"tickets", "genre", "starts_at"} <= set(details)


def test_a_unique_value_is_refused_twice(types, client_for):
    _create(client_for("Author"))
    response = client_for("Author").post(URL, {**GIG, "title": "Other"}, format="json")
    assert "has this value" in assert_error(response, 400)["details"]["code"][0]


def test_viewers_and_reviewers_cannot_create(types, client_for):
    for role in ("Viewer", "Reviewer"):
        assert_error(client_for(role).post(URL, GIG, format="json"), 403)
    assert_error(client_for("anonymous").get(URL), 401)


def test_an_unknown_or_code_defined_type_is_404(types, client_for):
    assert_error(client_for("Editor").get("/api/v1/entries/nothing/"), 404, "not_found")
    assert_error(client_for("Editor").get("/api/v1/entries/article/"), 404, "not_found")


def test_an_update_needs_the_version_and_refuses_a_stale_one(types, client_for):
    author = client_for("Author")
    entry = _create(author)
    item = f"{URL}{entry['id']}/"
    assert_error(author.patch(item, {"venue": "Hall B"}, format="json"), 428)
    response = author.patch(item, {"venue": "Hall B"}, format="json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 200, response.content
    assert response.json()["venue"] == "Hall B"
    assert response["ETag"] == '"2"'
    stale = author.patch(item, {"venue": "Hall C"}, format="json", HTTP_IF_MATCH='"1"')
    assert assert_error(stale, 412)["details"]["current_version"] == 2
    assert client_for("Viewer").get(item).json()["venue"] == "Hall B"
    bad = author.patch(item, {"price": "free"}, format="json", HTTP_IF_MATCH='"2"')
    assert "price" in assert_error(bad, 400)["details"]


def test_submit_approve_publish_by_role(types, client_for):
    entry = _create(client_for("Author"))
    item = f"{URL}{entry['id']}/"
    assert_error(client_for("Author").post(f"{item}publish/"), 403)
    submitted = client_for("Author").post(f"{item}submit/", {"message": "Ready"}, format="json")
    assert submitted.json()["status"] == "in_review", submitted.content
    approved = client_for("Reviewer").post(f"{item}approve/", {}, format="json")
    assert approved.json()["status"] == "approved", approved.content
    published = client_for("Editor").post(f"{item}publish/")
    assert published.status_code == 200, published.content
    body = published.json()
    assert body["status"] == "published"
    assert body["live_revision"] == body["latest_revision"]
    unpublished = client_for("Editor").post(f"{item}unpublish/")
    assert unpublished.json()["status"] != "published"


def test_trash_and_restore(types, client_for):
    entry = _create(client_for("Author"))
    item = f"{URL}{entry['id']}/"
    assert client_for("Editor").delete(item).status_code == 204
    assert client_for("Viewer").get(URL).json()["results"] == []
    restored = client_for("Editor").post(f"{item}restore/", {}, format="json")
    assert restored.status_code == 200, restored.content
    assert restored.json()["deleted_at"] is None


def test_revisions_diff_by_field_and_revert(types, client_for):
    author = client_for("Author")
    entry = _create(author)
    item = f"{URL}{entry['id']}/"
    author.patch(item, {"venue": "Hall B", "price": 20}, format="json", HTTP_IF_MATCH='"1"')

    revisions = author.get(f"{item}revisions/").json()["results"]
    assert [r["number"] for r in revisions] == [2, 1]
    diff = author.get(f"{item}revisions/1/diff/2/").json()
    assert diff["changes"] == {
        "venue": {"from": "Hall A", "to": "Hall B"},
        "price": {"from": "12.50", "to": "20.00"},
    }
    reverted = author.post(f"{item}revisions/1/revert/", {}, format="json")
    assert reverted.status_code == 200, reverted.content
    body = reverted.json()
    assert (body["venue"], body["price"], body["version"]) == ("Hall A", "12.50", 3)
    assert body["latest_revision"] == 3


def test_a_field_added_to_the_type_is_taken_at_once(types, client_for):
    fields = [*types["concert"]["fields"], {"api_id": "support", "type": "text"}]
    response = client_for("Administrator").patch(
        "/api/v1/content-types/concert/", {"fields": fields}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 200, response.content
    entry = _create(client_for("Author"), support="The Openers")
    assert entry["support"] == "The Openers"


def test_a_revision_shows_its_fields_by_api_id_and_removed_ones_apart(types, client_for):
    author = client_for("Author")
    entry = _create(author, tickets=50)
    item = f"{URL}{entry['id']}/"
    # Remove `code` and rename `venue` to `place`: revision 1 still holds both values.
    fields = [
        {**field, "api_id": "place"} if field["api_id"] == "venue" else field
        for field in types["concert"]["fields"]
        if field["api_id"] != "code"
    ]
    response = client_for("Administrator").patch(
        "/api/v1/content-types/concert/", {"fields": fields}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 200, response.content
    code_key = next(f["key"] for f in types["concert"]["fields"] if f["api_id"] == "code")

    response = author.get(f"{item}revisions/1/")
    assert response.status_code == 200, response.content
    snapshot = response.json()["snapshot"]
    assert "data" not in snapshot
    assert snapshot["title"] == "Night show"
    assert snapshot["place"] == "Hall A"
    assert snapshot["price"] == "12.50"
    assert snapshot["tickets"] == 50
    assert snapshot["sold_out"] is None
    assert "code" not in snapshot
    assert snapshot["removed_fields"] == {code_key: {"api_id": "code", "value": "NG-1"}}
