"""Governance applies to types defined as data as it does to articles: workflows and
policies scoped to them, their text fields checked by name, `checks/`, the audit log,
the role matrix and role grants limited to one type."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import User
from content.models import TypeDefinition
from content.services.grants import role_grant_create
from governance.models import AuditEvent
from governance.workflows.admin import WorkflowForm
from tests.accounts.factories import UserFactory
from tests.assertions import assert_error

pytestmark = pytest.mark.django_db

CONCERTS = "/api/v1/entries/concert/"
PEOPLE = "/api/v1/entries/person/"
NOTES = "/api/v1/entries/liner_note/"
GIG = {"title": "Night show", "venue": "Hall A", "starts_at": "2027-01-05T20:00:00+01:00"}
LINER_NOTE = {
    "api_id": "liner_note",
    "name": "Liner note",
    "title_field": "heading",
    "fields": [
        {"api_id": "heading", "type": "text", "required": True},
        {"api_id": "blurb", "type": "text"},
        {"api_id": "notes", "type": "long_text"},
        {"api_id": "essay", "type": "rich_text"},
    ],
}
# One sentence of long words: a Flesch reading ease far below 50.
HARD = (
    "Notwithstanding considerable organisational institutionalisation, "
    "internationalisation methodologies unquestionably necessitate "
    "comprehensive multidisciplinary reconceptualisation. "
)


def _post(client, url: str, data: dict, status: int = 201) -> dict:
    response = client.post(url, data, format="json")
    assert response.status_code == status, response.content
    return response.json()


def _policy(client_for, **body) -> dict:
    body = {"name": body.get("kind", "policy"), "severity": "block", **body}
    return _post(client_for("Administrator"), "/api/v1/governance/policies/", body)


def _checks(client, url: str, pk: int) -> dict[str, list[dict]]:
    """{policy name: its violations} from the entry's checks/."""
    response = client.get(f"{url}{pk}/checks/")
    assert response.status_code == 200, response.content
    return {r["policy"]["name"]: r["violations"] for r in response.json()["results"]}


@pytest.fixture
def liner_note(types, client_for) -> dict:
    return _post(client_for("Administrator"), "/api/v1/content-types/", LINER_NOTE)


# --- Workflows --------------------------------------------------------------------------


def test_a_workflow_scoped_to_a_runtime_type_routes_its_entries(types, client_for):
    workflow = _post(
        client_for("Administrator"),
        "/api/v1/governance/workflows/",
        {"name": "Concert desk", "content_types": ["concert"], "steps": [{"role": "Reviewer"}]},
    )
    assert workflow["content_types"] == ["concert"]
    entry = _post(client_for("Author"), CONCERTS, GIG)
    item = f"{CONCERTS}{entry['id']}/"
    submitted = _post(client_for("Author"), f"{item}submit/", {}, 200)
    assert submitted["status"] == "in_review"

    queue = client_for("Reviewer").get("/api/v1/governance/tasks/").json()["results"]
    [task] = [row for row in queue if row["entry"]["id"] == entry["id"]]
    assert task["workflow"] == "Concert desk"
    assert task["entry"] == {"type": "concert", "id": entry["id"], "title": "Night show"}
    approved = _post(
        client_for("Reviewer"), f"/api/v1/governance/tasks/{task['id']}/approve/", {}, 200
    )
    assert approved["status"] == "approved"
    assert client_for("Viewer").get(item).json()["status"] == "approved"
    published = _post(client_for("Editor"), f"{item}publish/", {}, 200)
    assert published["status"] == "published"

    # A person is not a concert: the workflow does not take it.
    person = _post(client_for("Author"), PEOPLE, {"name": "Ada"})
    _post(client_for("Author"), f"{PEOPLE}{person['id']}/submit/", {}, 200)
    queue = client_for("Reviewer").get("/api/v1/governance/tasks/").json()["results"]
    assert all(row["entry"]["type"] != "person" for row in queue)


def test_scopes_offer_runtime_types_defined_after_start(types, client_for, users):
    """The API refuses an unknown type and takes one defined a moment ago; so do the
    admin forms' choices."""
    admin = client_for("Administrator")
    bad = {"name": "X", "content_types": ["show"], "steps": [{"role": "Reviewer"}]}
    assert_error(admin.post("/api/v1/governance/workflows/", bad, format="json"), 400)
    policy = _policy(
        client_for, kind="banned_terms", params={"terms": ["x"]}, content_types=["person"]
    )
    assert policy["content_types"] == ["person"]
    browser = Client()
    browser.force_login(User.objects.get(pk=users["Administrator"].pk))
    form = browser.get("/admin/governance/contentpolicy/add/")
    assert b'value="concert"' in form.content
    assert b'value="person"' in form.content
    # The workflow form posts content type ids: a runtime type has its own.
    field = WorkflowForm().fields["content_types"]
    by_label = {label: value for value, label in field.choices}
    assert {"Article", "Concert", "Person"} <= set(by_label)
    assert field.clean([str(by_label["Concert"].value)]) == ["concert"]
    assert "Concert" in browser.get("/admin/governance/workflow/add/").content.decode()


# --- Policies on the type's own fields ---------------------------------------------------


def test_a_banned_term_in_a_text_field_blocks_publishing_naming_the_field(liner_note, client_for):
    _policy(
        client_for,
        name="No synergy",
        kind="banned_terms",
        params={"terms": ["synergy"]},
        content_types=["liner_note"],
    )
    entry = _post(client_for("Editor"), NOTES, {"heading": "Side A", "blurb": "Pure synergy."})
    item = f"{NOTES}{entry['id']}/"
    refused = client_for("Editor").post(f"{item}publish/")
    violations = assert_error(refused, 400)["details"]["violations"]
    assert [(v["field"], v["policy"]) for v in violations] == [("blurb", "No synergy")]
    assert "synergy" in violations[0]["message"]
    assert client_for("Viewer").get(item).json()["status"] == "draft"

    patched = client_for("Editor").patch(
        item, {"blurb": "Pure energy."}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert patched.status_code == 200, patched.content
    assert _post(client_for("Editor"), f"{item}publish/", {}, 200)["status"] == "published"


def test_text_long_text_and_rich_text_fields_are_read_by_the_text_policies(liner_note, client_for):
    _policy(
        client_for,
        name="Terms",
        kind="banned_terms",
        params={"terms": ["synergy"]},
        severity="warn",
    )
    _policy(client_for, name="Privacy", kind="personal_data", severity="warn")
    essay = [{"type": "paragraph", "value": {"text": "<p>Real synergy here.</p>"}}]
    entry = _post(
        client_for("Author"),
        NOTES,
        {"heading": "Side B", "notes": "Write to ada@example.com", "essay": essay},
    )
    found = _checks(client_for("Viewer"), NOTES, entry["id"])
    assert [v["field"] for v in found["Terms"]] == ["essay[1]"]
    assert [v["field"] for v in found["Privacy"]] == ["notes"]


def test_readability_heading_and_link_policies_read_rich_text_fields(liner_note, client_for):
    _policy(client_for, name="Plain", kind="readability", params={"min_words": 5}, severity="warn")
    _policy(client_for, name="Headings", kind="heading_order", severity="warn")
    _policy(client_for, name="Links", kind="broken_internal_links", severity="warn")
    essay = [
        {"type": "heading", "value": {"text": "Deep", "level": 4}},
        {"type": "paragraph", "value": {"text": f"<p>{HARD}</p>"}},
        {"type": "paragraph", "value": {"text": '<p>See <a href="/nowhere/">this</a>.</p>'}},
    ]
    entry = _post(client_for("Author"), NOTES, {"heading": "Side C", "essay": essay, "notes": HARD})
    found = _checks(client_for("Viewer"), NOTES, entry["id"])
    assert sorted(v["field"] for v in found["Plain"]) == ["essay", "notes"]
    assert [v["field"] for v in found["Headings"]] == ["essay[1]"]
    assert [v["field"] for v in found["Links"]] == ["essay[3]"]
    assert "/nowhere/" in found["Links"][0]["message"]


def test_required_fields_names_a_runtime_field(types, client_for):
    admin = client_for("Administrator")
    unknown = {"name": "Bad", "kind": "required_fields", "params": {"fields": ["loudness"]}}
    assert (
        "loudness"
        in assert_error(admin.post("/api/v1/governance/policies/", unknown, format="json"), 400)[
            "message"
        ]
    )
    _policy(
        client_for,
        name="Where",
        kind="required_fields",
        params={"fields": ["venue"]},
        content_types=["concert"],
    )
    entry = _post(client_for("Editor"), CONCERTS, {**GIG, "venue": ""})
    found = _checks(client_for("Viewer"), CONCERTS, entry["id"])
    assert found["Where"] == [
        {"field": "venue", "rule": "required_fields", "message": "Venue is required."}
    ]
    refused = client_for("Editor").post(f"{CONCERTS}{entry['id']}/publish/")
    assert [v["field"] for v in assert_error(refused, 400)["details"]["violations"]] == ["venue"]
    # The policy is the concert's: a person is not checked by it.
    person = _post(client_for("Editor"), PEOPLE, {"name": "Ada"})
    assert _checks(client_for("Viewer"), PEOPLE, person["id"]) == {}


def test_checks_route_resolves_the_type_per_request(types, client_for):
    entry = _post(client_for("Author"), CONCERTS, GIG)
    person = _post(client_for("Author"), PEOPLE, {"name": "Ada"})
    response = client_for("Viewer").get(f"{CONCERTS}{entry['id']}/checks/")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "pass"
    assert_error(client_for("Viewer").get(f"{CONCERTS}{person['id']}/checks/"), 404)
    assert_error(client_for("Viewer").get(f"/api/v1/entries/show/{entry['id']}/checks/"), 404)
    assert_error(client_for("anonymous").get(f"{CONCERTS}{entry['id']}/checks/"), 401)


def test_the_violations_report_names_the_runtime_type(liner_note, client_for):
    _policy(
        client_for,
        name="Terms",
        kind="banned_terms",
        params={"terms": ["synergy"]},
        severity="warn",
    )
    entry = _post(client_for("Author"), NOTES, {"heading": "Side D", "blurb": "synergy"})
    _checks(client_for("Viewer"), NOTES, entry["id"])
    report = client_for("Editor").get("/api/v1/governance/reports/violations/")
    assert report.status_code == 200, report.content
    rows = report.json()["results"]
    assert [(r["type"], r["id"]) for r in rows] == [("liner_note", entry["id"])]


# --- Audit ------------------------------------------------------------------------------


def test_type_and_entry_changes_are_audited(types, client_for):
    entry = _post(client_for("Editor"), CONCERTS, GIG)
    item = f"{CONCERTS}{entry['id']}/"
    client_for("Editor").patch(item, {"venue": "Hall B"}, format="json", HTTP_IF_MATCH='"1"')
    _post(client_for("Editor"), f"{item}publish/", {}, 200)
    definition = TypeDefinition.objects.get(api_id="concert")
    assert AuditEvent.objects.filter(
        action="content_type.create", target_id=str(definition.pk)
    ).exists()
    rows = list(AuditEvent.objects.filter(action__startswith="concert.").order_by("pk"))
    assert [r.action for r in rows] == ["concert.create", "concert.update", "concert.publish"]
    assert {r.target_id for r in rows} == {str(entry["id"])}


# --- Permissions ------------------------------------------------------------------------


def _patch(client, url: str, data: dict, version: int):
    return client.patch(url, data, format="json", HTTP_IF_MATCH=f'"{version}"')


def test_the_role_matrix_applies_to_a_runtime_type(types, client_for):
    mine = _post(client_for("Author"), CONCERTS, GIG)
    item = f"{CONCERTS}{mine['id']}/"
    # Author: edits their own draft, not someone else's; submits; never publishes.
    assert _patch(client_for("Author"), item, {"venue": "Hall B"}, 1).status_code == 200
    theirs = _post(client_for("Editor"), CONCERTS, {**GIG, "title": "Matinee"})
    other = f"{CONCERTS}{theirs['id']}/"
    assert_error(_patch(client_for("Author"), other, {"venue": "Hall C"}, 1), 403)
    assert_error(client_for("Author").post(f"{item}publish/"), 403)
    _post(client_for("Author"), f"{item}submit/", {}, 200)
    # Viewer and Reviewer read, and write nothing.
    for role in ("Viewer", "Reviewer"):
        assert client_for(role).get(item).status_code == 200
        assert_error(_patch(client_for(role), item, {"venue": "Hall D"}, 2), 403)
        assert_error(client_for(role).post(f"{other}publish/"), 403)
    # Reviewer approves what is in review; Editor edits anyone's and publishes.
    assert _post(client_for("Reviewer"), f"{item}approve/", {}, 200)["status"] == "approved"
    assert _patch(client_for("Editor"), other, {"venue": "Hall E"}, 1).status_code == 200
    assert _post(client_for("Editor"), f"{item}publish/", {}, 200)["status"] == "published"
    assert_error(client_for("Author").post(f"{item}unpublish/"), 403)


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(User.objects.get(pk=user.pk))
    return client


@pytest.fixture
def concert_editor(types, client_for):
    """No role of its own: Editor of concerts only, granted through the API. A fresh
    client (the user read afresh) per call, as a real request reads its user."""
    user = UserFactory(email="concert-editor@example.com")
    body = {"user": user.pk, "role": "Editor", "content_types": ["concert"]}
    grant = _post(client_for("Administrator"), "/api/v1/role-grants/", body)
    assert grant["content_types"] == ["concert"]
    return lambda: _client(user)


def test_a_grant_limited_to_one_runtime_type(types, client_for, concert_editor):
    show = _post(client_for("Author"), CONCERTS, GIG)
    ada = _post(client_for("Author"), PEOPLE, {"name": "Ada"})
    listed = concert_editor().get(CONCERTS).json()["results"]
    assert [row["id"] for row in listed] == [show["id"]]
    item = f"{CONCERTS}{show['id']}/"
    assert _patch(concert_editor(), item, {"venue": "Hall B"}, 1).status_code == 200
    assert _post(concert_editor(), f"{item}publish/", {}, 200)["status"] == "published"
    created = _post(concert_editor(), CONCERTS, {**GIG, "title": "Late show"})
    assert created["status"] == "draft"
    # Persons are outside the grant: none listed; refused (403) as an article outside a
    # section editor's section is; its checks not found, as an article's are.
    assert concert_editor().get(PEOPLE).json()["results"] == []
    person = f"{PEOPLE}{ada['id']}/"
    assert_error(concert_editor().get(person), 403)
    assert_error(_patch(concert_editor(), person, {"name": "Bob"}, 1), 403)
    assert_error(concert_editor().post(f"{person}publish/"), 403)
    assert_error(concert_editor().post(PEOPLE, {"name": "Bob"}, format="json"), 403)
    assert_error(concert_editor().get(f"{person}checks/"), 404)
    assert client_for("Viewer").get(person).json()["name"] == "Ada"


def test_a_reviewer_limited_to_one_runtime_type_sees_only_its_reviews(types, client_for):
    _post(
        client_for("Administrator"),
        "/api/v1/governance/workflows/",
        {"name": "Desk", "content_types": ["concert", "person"], "steps": [{"role": "Reviewer"}]},
    )
    show = _post(client_for("Author"), CONCERTS, GIG)
    ada = _post(client_for("Author"), PEOPLE, {"name": "Ada"})
    _post(client_for("Author"), f"{CONCERTS}{show['id']}/submit/", {}, 200)
    _post(client_for("Author"), f"{PEOPLE}{ada['id']}/submit/", {}, 200)
    user = UserFactory(email="concert-reviewer@example.com")
    role_grant_create(
        actor=None,
        data={"user": user, "group": None, "role": "Reviewer", "content_types": ["concert"]},
    )
    queue = _client(user).get("/api/v1/governance/tasks/").json()["results"]
    assert [(row["entry"]["type"], row["entry"]["id"]) for row in queue] == [
        ("concert", show["id"])
    ]
    everyone = client_for("Reviewer").get("/api/v1/governance/tasks/").json()["results"]
    assert {row["entry"]["type"] for row in everyone} == {"concert", "person"}
