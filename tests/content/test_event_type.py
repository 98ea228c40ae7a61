"""A third code-defined type takes one model, one registration and one migration, and
nothing else (issue 13 §1). The Event (tests/eventapp: a start date and a venue) is
registered as "gig" (the demo defines a runtime type called "event") and then has what
Article and Page have: the management API with its actions and revisions, delivery, the
admin, workflows, content policies, and export / import."""

from __future__ import annotations

import json
import os
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.urls import reverse

from content.models import DeliverySnapshot, Reference, Revision
from content.types import api_names, entry_type, entry_type_for
from governance.models import AuditEvent
from tests.assertions import assert_error
from tests.content.factories import ArticleFactory
from tests.eventapp.models import Event

pytestmark = pytest.mark.django_db

EVENTS = "/api/v1/gigs/"
DELIVERY = "/api/v1/delivery/gigs/"
BODY = [{"type": "paragraph", "value": {"text": "Doors open at seven."}}]
REPOSITORY = Path(settings.BASE_DIR)


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run a callable and then what it queued with transaction.on_commit."""

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


def _create(client, **data) -> dict:
    body = {"title": "Launch party", "start_date": "2030-05-01", "venue": "Main hall"}
    response = client.post(EVENTS, {**body, "body": BODY, **data}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def _url(event: dict, action: str = "") -> str:
    return f"{EVENTS}{event['id']}/{action}"


# --- Nothing else ---------------------------------------------------------------------------

SKIPPED_DIRS = {".git", ".venv", "var", "node_modules", "__pycache__", "tests"}


def _files_naming(word: str) -> list[str]:
    """The repository's code, templates and configuration outside the tests (which use the
    Event) naming `word`; documentation may tell its story."""
    found = []
    for root, dirs, files in os.walk(REPOSITORY):
        dirs[:] = [d for d in dirs if d not in SKIPPED_DIRS]
        for name in files:
            path = Path(root, name)
            source = path.suffix in (".py", ".html", ".toml", ".txt", ".cfg")
            if source and path != Path(__file__) and word in path.read_text(errors="ignore"):
                found.append(str(path.relative_to(REPOSITORY)))
    return sorted(found)


def test_the_type_is_its_model_registration_and_migration_only():
    registration = entry_type("gig")
    assert registration.model is Event
    assert entry_type_for(Event) is registration
    assert "gig" in api_names()
    migrations = REPOSITORY / "tests" / "eventapp" / "migrations"
    # Its own migration, then those that follow the core every type shares as it grows
    # (PublishableCore's edit lock, its owner and status index).
    assert sorted(p.name for p in migrations.glob("0*.py")) == [
        "0001_initial.py",
        "0002_event_edit_lock.py",
        "0003_owner_status_index.py",
    ]
    # Outside the tests, only the test settings' INSTALLED_APPS name it, and nothing names
    # its API name.
    assert _files_naming("eventapp") == ["config/settings/test.py"]
    assert _files_naming('"gig"') == []


def test_its_routes_follow_the_pattern_of_the_other_types():
    assert reverse("gig-list") == EVENTS
    assert reverse("gig-detail", args=[7]) == f"{EVENTS}7/"
    assert reverse("gig-publish", args=[7]) == f"{EVENTS}7/publish/"
    assert reverse("gig-revision-diff", args=[7, 1, 2]) == f"{EVENTS}7/revisions/1/diff/2/"
    assert reverse("gig-checks", args=[7]) == f"{EVENTS}7/checks/"
    assert admin.site.is_registered(Event)


def test_the_schema_gives_events_their_own_operations_and_components(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    components = schema["components"]["schemas"]
    assert {
        "Event",
        "EventCreateRequest",
        "EventUpdateRequest",
        "PatchedEventUpdateRequest",
    } <= set(components)
    assert {"start_date", "venue"} <= set(components["Event"]["properties"])
    assert {"start_date", "venue"} <= set(components["EventCreateRequest"]["properties"])
    assert components["EventCreateRequest"]["required"] == ["title"]
    assert "gig" in components["EntryTypeEnum"]["enum"]
    create = schema["paths"][EVENTS]["post"]
    request = create["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert request.endswith("/EventCreateRequest")
    assert create["responses"]["201"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/Event"
    )
    assert create["tags"] == ["gigs"]
    for path in (
        "{id}/publish/",
        "{id}/revisions/{number}/diff/{other}/",
        "{id}/revisions/{number}/revert/",
        "{id}/checks/",
    ):
        assert f"{EVENTS}{path}" in schema["paths"], path


# --- The management API ---------------------------------------------------------------------


def test_crud_with_strict_input_and_versions(client_for):
    editor = client_for("Editor")
    event = _create(editor)
    assert (event["start_date"], event["venue"]) == ("2030-05-01", "Main hall")
    assert (event["status"], event["slug"], event["version"]) == ("draft", "launch-party", 1)
    assert event["url_path"] == "/gigs/launch-party/"
    assert event["body"] == BODY
    assert_error(editor.post(EVENTS, {"title": "X", "colour": "red"}, format="json"), 400)
    assert_error(editor.post(EVENTS, {"title": "X", "venue": 12}, format="json"), 400)
    assert_error(editor.post(EVENTS, {"title": "X", "start_date": "soon"}, format="json"), 400)
    assert_error(editor.post(EVENTS, {"venue": "Nowhere"}, format="json"), 400)

    listed = editor.get(EVENTS, {"q": "launch"}).json()["results"]
    assert [e["id"] for e in listed] == [event["id"]]
    assert editor.get(_url(event))["ETag"] == '"1"'

    assert_error(editor.patch(_url(event), {"venue": "Annex"}, format="json"), 428)
    stale = editor.patch(_url(event), {"venue": "Annex"}, format="json", HTTP_IF_MATCH='"9"')
    assert_error(stale, 412)
    updated = editor.patch(_url(event), {"venue": "Annex"}, format="json", HTTP_IF_MATCH='"1"')
    assert updated.status_code == 200, updated.content
    assert (updated.json()["venue"], updated.json()["version"]) == ("Annex", 2)

    assert editor.delete(_url(event)).status_code == 204
    assert editor.get(EVENTS).json()["results"] == []
    trashed = editor.get(EVENTS, {"trashed": "true"}).json()["results"]
    assert [e["id"] for e in trashed] == [event["id"]]
    restored = editor.post(_url(event, "restore/"), {}, format="json")
    assert restored.status_code == 200, restored.content
    assert restored.json()["deleted_at"] is None


def test_roles_and_lifecycle_actions(client_for):
    author, editor = client_for("Author"), client_for("Editor")
    event = _create(author)
    assert client_for("Viewer").get(_url(event)).status_code == 200
    assert_error(client_for("Viewer").post(EVENTS, {"title": "X"}, format="json"), 403)
    assert_error(author.post(_url(event, "publish/")), 403)

    submitted = author.post(_url(event, "submit/"), {}, format="json")
    assert submitted.json()["status"] == "in_review", submitted.content
    rejected = editor.post(_url(event, "reject/"), {"message": "Which hall?"}, format="json")
    assert rejected.json()["status"] == "draft", rejected.content
    author.post(_url(event, "submit/"), {}, format="json")
    approved = editor.post(_url(event, "approve/"), {}, format="json")
    assert approved.json()["status"] == "approved", approved.content

    published = editor.post(_url(event, "publish/"))
    assert published.status_code == 200, published.content
    assert (published.json()["status"], published.json()["live_revision"]) == ("published", 1)
    assert editor.post(_url(event, "preview-link/")).status_code == 200
    assert editor.post(_url(event, "unpublish/")).json()["live_revision"] is None
    scheduled = editor.post(
        _url(event, "schedule/"), {"publish_at": "2099-01-01T09:00:00Z"}, format="json"
    )
    assert scheduled.json()["status"] == "scheduled", scheduled.content
    archived = editor.post(_url(event, "archive/"))
    assert archived.json()["status"] == "archived", archived.content
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"gig.create", "gig.publish", "gig.unpublish"} <= actions


def test_revisions_diff_and_revert(client_for):
    editor = client_for("Editor")
    event = _create(editor)
    editor.patch(_url(event), {"venue": "Annex", "start_date": "2030-06-01", "version": 1})
    revisions = editor.get(_url(event, "revisions/")).json()["results"]
    assert [r["number"] for r in revisions] == [2, 1]
    first = editor.get(_url(event, "revisions/1/")).json()["snapshot"]
    assert (first["venue"], first["start_date"]) == ("Main hall", "2030-05-01")
    changes = editor.get(_url(event, "revisions/1/diff/2/")).json()["changes"]
    assert changes["venue"] == {"from": "Main hall", "to": "Annex"}
    assert changes["start_date"] == {"from": "2030-05-01", "to": "2030-06-01"}
    reverted = editor.post(_url(event, "revisions/1/revert/"), {}, format="json")
    assert reverted.status_code == 200, reverted.content
    assert (reverted.json()["venue"], reverted.json()["start_date"]) == ("Main hall", "2030-05-01")
    assert reverted.json()["latest_revision"] == 3


# --- Delivery --------------------------------------------------------------------------------


def test_delivery_lists_and_serves_published_events_only(client_for, api_client, on_commit):
    editor = client_for("Editor")
    event = _create(editor)
    _create(editor, title="Still a draft")
    on_commit(editor.post, _url(event, "publish/"))

    listed = api_client.get(DELIVERY)
    assert listed.status_code == 200, listed.content
    [item] = listed.json()["results"]
    assert (item["id"], item["type"], item["slug"]) == (event["id"], "gig", "launch-party")
    assert (item["start_date"], item["venue"]) == ("2030-05-01", "Main hall")
    assert item["url"] == "/gigs/launch-party/"
    assert "body" not in item
    detail = api_client.get(f"{DELIVERY}launch-party/")
    assert detail.status_code == 200, detail.content
    assert (detail.json()["title"], detail.json()["venue"]) == ("Launch party", "Main hall")
    assert detail.json()["body"][0]["value"]["text"] == "Doors open at seven."
    assert api_client.get(f"{DELIVERY}still-a-draft/").status_code == 404
    schema = api_client.get("/api/schema/", {"format": "json"}).json()
    assert {DELIVERY, f"{DELIVERY}{{slug}}/"} <= set(schema["paths"])


# --- The admin -------------------------------------------------------------------------------


def _form_data(response, **overrides) -> dict:
    """What the browser posts back: the form's current values, plus overrides."""
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is not None:
            data[name] = [str(v) for v in value] if isinstance(value, list | tuple) else value
    return {**data, **overrides, "_save": "Save"}


def test_the_admin_lists_adds_edits_and_publishes_events(client, users):
    client.force_login(users["Editor"])
    changelist = reverse("admin:eventapp_event_changelist")
    assert client.get(changelist).status_code == 200
    add = client.get(reverse("admin:eventapp_event_add"))
    assert add.status_code == 200
    assert {"title", "slug", "locale", "start_date", "venue", "body"} <= set(
        add.context["adminform"].form.fields
    )
    data = _form_data(
        add, title="Launch party", start_date="2030-05-01", venue="Main hall", body="<p>Hi</p>"
    )
    response = client.post(reverse("admin:eventapp_event_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    event = Event.objects.get(title="Launch party")
    assert (event.venue, event.start_date) == ("Main hall", date(2030, 5, 1))
    assert (event.owner, event.latest_revision.number) == (users["Editor"], 1)

    change_url = reverse("admin:eventapp_event_change", args=[event.pk])
    change = client.get(change_url)
    assert change.status_code == 200
    assert "Revision history" in change.content.decode()
    response = client.post(change_url, _form_data(change, venue="Annex"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    event.refresh_from_db()
    assert (event.venue, event.version) == ("Annex", 2)
    client.post(reverse("admin:eventapp_event_transition", args=[event.pk, "publish"]))
    event.refresh_from_db()
    assert event.live_revision.number == 2
    assert "Launch party" in client.get(changelist).content.decode()


# --- Workflows and policies ------------------------------------------------------------------


def test_a_workflow_scoped_to_events_gates_their_publish(client_for, on_commit):
    admin_api = client_for("Administrator")
    body = {"name": "Event review", "content_types": ["gig"], "steps": [{"role": "Reviewer"}]}
    created = admin_api.post("/api/v1/governance/workflows/", body, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["content_types"] == ["gig"]
    editor, reviewer = client_for("Editor"), client_for("Reviewer")
    event = _create(editor)
    # Articles are not in its scope.
    article = ArticleFactory(title="Unscoped")
    assert editor.post(f"/api/v1/articles/{article.pk}/publish/").status_code == 200

    error = assert_error(editor.post(_url(event, "publish/")), 400)
    assert "Event review" in error["details"]["workflow"][0]
    on_commit(editor.post, _url(event, "submit/"), {}, format="json")
    queue = reviewer.get("/api/v1/governance/tasks/").json()["results"]
    assert [item["entry"] for item in queue] == [
        {"type": "gig", "id": event["id"], "title": "Launch party"}
    ]
    comment = reviewer.post(
        "/api/v1/governance/comments/",
        {"type": "gig", "id": event["id"], "body": "Which hall?"},
        format="json",
    )
    assert comment.status_code == 201, comment.content
    approved = on_commit(reviewer.post, _url(event, "approve/"), {}, format="json")
    assert approved.json()["status"] == "approved", approved.content
    published = editor.post(_url(event, "publish/"))
    assert published.status_code == 200, published.content


def test_a_blocking_policy_scoped_to_events_blocks_their_publish(client_for):
    body = {
        "name": "No TBA",
        "kind": "banned_terms",
        "params": {"terms": ["tba"]},
        "severity": "block",
        "content_types": ["gig"],
    }
    created = client_for("Administrator").post("/api/v1/governance/policies/", body, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["content_types"] == ["gig"]
    editor = client_for("Editor")
    event = _create(editor, title="Venue TBA")
    article = ArticleFactory(title="Venue TBA")

    error = assert_error(editor.post(_url(event, "publish/")), 400)
    assert error["details"]["violations"][0]["field"] == "title"
    checks = editor.get(_url(event, "checks/")).json()
    assert checks["status"] == "block"
    assert editor.post(f"/api/v1/articles/{article.pk}/publish/").status_code == 200


# --- Export and import -----------------------------------------------------------------------


def test_export_includes_events_and_import_restores_them(
    client_for, api_client, on_commit, tmp_path
):
    editor = client_for("Editor")
    event = _create(editor)
    on_commit(editor.post, _url(event, "publish/"))
    path = tmp_path / "content.jsonl"
    call_command("export_content", "--output", str(path), stdout=StringIO())
    records = [json.loads(line) for line in path.read_text().splitlines()]
    [record] = [r for r in records if r["type"] == "gig"]
    assert "id" not in record
    assert (record["latest"]["venue"], record["latest"]["start_date"]) == (
        "Main hall",
        "2030-05-01",
    )

    kind = ContentType.objects.get_for_model(Event)
    Event.objects.all().delete()
    Revision.objects.filter(content_type=kind).delete()
    Reference.objects.filter(source_content_type=kind).delete()
    DeliverySnapshot.objects.filter(kind="gig").delete()
    on_commit(call_command, "import_content", str(path), stdout=StringIO())

    restored = Event.objects.get(slug="launch-party")
    assert (restored.title, restored.venue, restored.start_date) == (
        "Launch party",
        "Main hall",
        date(2030, 5, 1),
    )
    assert restored.live_revision is not None
    assert api_client.get(f"{DELIVERY}launch-party/").status_code == 200
