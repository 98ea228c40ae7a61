"""export_content / import_content carry the types defined as data and their entries: a
round trip into an empty database recreates the types (with their keys) and the entries."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from content import services
from content.models import Entry, TypeDefinition
from content.runtime import registry
from content.types import api_names, entry_type
from tests.content.test_exchange import _empty_content

pytestmark = pytest.mark.django_db


def _schema() -> dict:
    out = StringIO()
    call_command("schema_export", stdout=out)
    return json.loads(out.getvalue())


def _fingerprint() -> set:
    rows = set()
    for name in ("person", "concert"):
        fields = {f.key: f.api_id for f in entry_type(name).extra["fields"]}
        for entry in entry_type(name).model.objects.all():
            data = {fields[k]: v for k, v in entry.data.items() if k in fields}
            if "headliner" in data:  # ids differ between databases: compare by title
                data["headliner"] = Entry.objects.get(pk=data["headliner"]["id"]).title
            rows.add(
                (name, entry.status, entry.title, entry.slug, json.dumps(data, sort_keys=True))
            )
    return rows


@pytest.fixture
def site(types, client_for):
    editor = client_for("Editor")
    ada = editor.post("/api/v1/entries/person/", {"name": "Ada", "email": "a@example.com"})
    show = {"title": "Show", "venue": "Hall", "starts_at": "2027-01-05T20:00:00Z", "price": "9"}
    response = editor.post(
        "/api/v1/entries/concert/", {**show, "headliner": ada.json()["id"]}, format="json"
    )
    assert response.status_code == 201, response.content
    concert = Entry.objects.get(pk=response.json()["id"])
    services.entry_publish(entry=concert, actor=None)
    services.entry_update(entry=concert, actor=None, data={"venue": "Other hall"})


def test_round_trip_into_an_empty_database_recreates_types_and_entries(site, tmp_path):
    before, schema = _fingerprint(), _schema()
    path = tmp_path / "content.jsonl"
    call_command("export_content", "--output", str(path), stdout=StringIO())
    records = [json.loads(line) for line in path.read_text().splitlines()]
    assert [r["type"] for r in records[:2]] == ["content_type", "content_type"]
    concert = next(r for r in records if r["type"] == "concert")
    assert concert["latest"]["data"]["venue"] == "Other hall"  # by api_id
    assert concert["latest"]["data"]["headliner"]["type"] == "person"

    Entry.objects.all().delete()
    _empty_content()
    TypeDefinition.objects.all().delete()
    registry.load()
    assert "concert" not in api_names()

    out = StringIO()
    call_command("import_content", str(path), stdout=out)

    assert "2 content_type" in out.getvalue()
    assert _schema() == schema  # same api_ids, fields and keys
    assert _fingerprint() == before
    imported = entry_type("concert").model.objects.get()
    assert imported.live_revision_id != imported.latest_revision_id  # live and pending edits


def test_importing_into_a_site_that_has_the_types_skips_them(site, tmp_path):
    path = tmp_path / "content.jsonl"
    call_command("export_content", "--output", str(path), stdout=StringIO())
    out = StringIO()
    call_command("import_content", str(path), stdout=out)
    assert "Skipped (already present): 2 content_type" in out.getvalue()


def test_a_refused_type_fails_with_its_line_and_imports_nothing(tmp_path):
    path = tmp_path / "bad.jsonl"
    bad = {"api_id": "show", "name": "Show", "fields": [{"api_id": "x", "type": "colour"}]}
    path.write_text(json.dumps({"type": "content_type", "definition": bad}) + "\n")
    with pytest.raises(CommandError, match=r"Line 1: content_type refused: show\.fields\[0\]"):
        call_command("import_content", str(path), stdout=StringIO())
    assert not TypeDefinition.objects.exists()
    assert "show" not in api_names()
