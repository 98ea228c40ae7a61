"""Promoting runtime types between environments: schema_export, schema_diff, schema_apply
and their API equivalents (content-types/export/, diff/, apply/)."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from content.models import Entry, FieldDefinition, TypeDefinition
from content.runtime import registry
from content.runtime.definitions import describe, type_update
from content.runtime.removed import field_purge
from content.types import api_names
from tests.assertions import assert_error
from tests.runtime.conftest import CONCERT

pytestmark = pytest.mark.django_db

URL = "/api/v1/content-types/"
NOT_ADMINS = ("Editor", "Author", "Reviewer", "Viewer")
NICKNAME = {"api_id": "nickname", "type": "text"}
STARTS = "2027-01-05T20:00:00Z"


@pytest.fixture
def source(types, client_for) -> dict:
    """The person and concert types, with a gap in concert's keys (genre removed) and a
    renamed field, exported."""
    admin = User.objects.get(email="administrator@example.com")
    concert = TypeDefinition.objects.get(api_id="concert")
    fields = [f for f in types["concert"]["fields"] if f["api_id"] != "genre"]
    for field in fields:
        if field["api_id"] == "venue":
            field["api_id"] = "place"
    type_update(actor=admin, definition=concert, data={"fields": fields})
    return json.loads(_export())


def _export() -> str:
    out = StringIO()
    call_command("schema_export", stdout=out)
    return out.getvalue()


def _write(tmp_path: Path, document: dict) -> str:
    path = tmp_path / "schema.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return str(path)


def _empty_types() -> None:
    """What a fresh environment holds: no runtime type (these tests empty it before any
    entry is written)."""
    assert not Entry.objects.exists()
    TypeDefinition.objects.all().delete()
    registry.load()


def _command(name: str, *args: str) -> str:
    out = StringIO()
    call_command(name, *args, stdout=out)
    return out.getvalue()


def _entry(client, **data) -> dict:
    response = client.post("/api/v1/entries/concert/", data, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_export_then_apply_into_an_empty_database_reproduces_the_types(source, tmp_path):
    assert source["format"] == 1
    assert [t["api_id"] for t in source["types"]] == ["concert", "person"]
    keys = [f["key"] for f in source["types"][0]["fields"]]
    assert "f6" not in keys  # genre's key, removed: the gap must survive
    path = _write(tmp_path, source)
    _empty_types()
    assert "concert" not in api_names()

    dry = _command("schema_apply", path)
    assert "concert: (new)" in dry
    assert "Dry run" in dry
    assert not TypeDefinition.objects.exists()

    out = _command("schema_apply", path, "--apply")

    assert "Applied." in out
    assert json.loads(_export()) == source  # same api_ids, fields, options and keys
    assert {"concert", "person"} <= set(api_names())
    concert = TypeDefinition.objects.get(api_id="concert")
    assert concert.next_key == 10  # past every key, the removed one's too (f1..f9 were given)
    assert _command("schema_diff", path).strip() == "No changes."


def test_apply_keeps_keys_so_entries_follow_a_later_rename(source, tmp_path, client_for):
    _empty_types()
    call_command("schema_apply", _write(tmp_path, source), "--apply", stdout=StringIO())
    entry = _entry(client_for("Editor"), title="Show", place="Hall A", starts_at=STARTS)
    place = next(f for f in source["types"][0]["fields"] if f["api_id"] == "place")
    place["api_id"] = "location"  # renamed in the source of truth

    diff = _command("schema_diff", _write(tmp_path, source))
    assert f"~ location ({place['key']}, text), renamed from place" in diff

    call_command("schema_apply", _write(tmp_path, source), "--apply", stdout=StringIO())
    detail = client_for("Viewer").get(f"/api/v1/entries/concert/{entry['id']}/").json()
    assert detail["location"] == "Hall A"


def test_diff_lists_each_change_by_type(source, tmp_path):
    concert, person = source["types"]
    concert["name"] = "Live show"
    concert["fields"] = [f for f in concert["fields"] if f["api_id"] != "sold_out"]
    price = next(f for f in concert["fields"] if f["api_id"] == "price")
    price["options"] = {"min_value": 5}
    person["fields"].append({"key": "f3", "api_id": "nickname", "type": "text"})
    source["types"].append({**CONCERT, "api_id": "festival", "name": "Festival"})

    lines = _command("schema_diff", _write(tmp_path, source)).splitlines()

    assert "concert:" in lines
    assert '  name: "Concert" → "Live show"' in lines
    assert any(line.startswith("  - sold_out (") and "removed" in line for line in lines)
    assert any('options {"min_value": 0} → {"min_value": 5}' in line for line in lines)
    assert "  + nickname (f3, text) added" in lines
    assert "festival: (new)" in lines
    assert lines[-1] == "1 type(s) to add, 2 to change."
    assert not TypeDefinition.objects.filter(api_id="festival").exists()  # a diff writes nothing


def test_a_refused_change_rolls_the_whole_apply_back(source, tmp_path, client_for):
    _entry(client_for("Editor"), title="Show", starts_at=STARTS)  # no place
    concert, person = source["types"]
    place = next(f for f in concert["fields"] if f["api_id"] == "place")
    place["required"] = True  # the entry has none: rule 6 refuses
    person["name"] = "Human"
    source["types"].append({**CONCERT, "api_id": "festival", "name": "Festival"})
    before = {d.api_id: d.revision for d in TypeDefinition.objects.all()}

    with pytest.raises(CommandError) as refused:
        call_command("schema_apply", _write(tmp_path, source), "--apply", stdout=StringIO())

    assert "nothing was applied" in str(refused.value)
    assert "concert.fields" in str(refused.value)
    assert "place: This field is required" in str(refused.value)
    assert {d.api_id: d.revision for d in TypeDefinition.objects.all()} == before
    assert TypeDefinition.objects.get(api_id="person").name == "Person"
    assert "festival" not in api_names()  # this process forgot the rolled-back type too


def test_a_key_the_target_already_used_is_refused(source, tmp_path):
    # The target added a field of its own (f3), removed and purged it: f3 never comes back.
    admin = User.objects.get(email="administrator@example.com")
    person = TypeDefinition.objects.get(api_id="person")
    fields = describe(person)["fields"]
    type_update(actor=admin, definition=person, data={"fields": [*fields, NICKNAME]})
    type_update(actor=admin, definition=person, data={"fields": fields})
    field_purge(actor=admin, definition=person, key="f3")
    source["types"][1]["fields"].append({"key": "f3", "api_id": "age", "type": "integer"})

    with pytest.raises(CommandError) as refused:
        call_command("schema_apply", _write(tmp_path, source), "--apply", stdout=StringIO())

    assert "person.fields[2].key" in str(refused.value)
    assert "already used" in str(refused.value)


def test_a_field_added_on_both_sides_is_matched_by_name(source, tmp_path):
    admin = User.objects.get(email="administrator@example.com")
    person = TypeDefinition.objects.get(api_id="person")
    type_update(
        actor=admin,
        definition=person,
        data={"fields": [*describe(person)["fields"], NICKNAME]},
    )
    source["types"][1]["fields"].append({**NICKNAME, "key": "f7", "help_text": "Informal"})

    diff = _command("schema_diff", _write(tmp_path, source))
    assert "matched by name: key f3 here" in diff

    call_command("schema_apply", _write(tmp_path, source), "--apply", stdout=StringIO())
    nickname = FieldDefinition.objects.get(definition=person, api_id="nickname")
    assert (nickname.key, nickname.help_text) == ("f3", "Informal")


def test_types_that_reference_each_other_are_applied_into_an_empty_database(
    types, tmp_path, client_for
):
    admin = User.objects.get(email="administrator@example.com")
    person = TypeDefinition.objects.get(api_id="person")
    fields = [
        *types["person"]["fields"],
        {"api_id": "favourite", "type": "reference", "options": {"types": ["concert"]}},
    ]
    type_update(actor=admin, definition=person, data={"fields": fields})
    document = json.loads(_export())
    _empty_types()

    call_command("schema_apply", _write(tmp_path, document), "--apply", stdout=StringIO())

    assert json.loads(_export()) == document
    assert FieldDefinition.objects.filter(api_id="favourite", key="f3").exists()


def test_malformed_files_fail_cleanly(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="not a schema_export document"):
        call_command("schema_diff", str(path), stdout=StringIO())
    with pytest.raises(CommandError, match="format"):
        call_command("schema_apply", _write(tmp_path, {"format": 9, "types": []}))
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("schema_diff", str(tmp_path / "missing.json"))


# --- The API ------------------------------------------------------------------------------


def test_the_api_exports_diffs_and_applies_for_administrators(source, client_for):
    admin = client_for("Administrator")
    exported = admin.get(f"{URL}export/")
    assert exported.status_code == 200
    assert exported.json() == source

    source["types"][1]["name"] = "Human"
    diff = admin.post(f"{URL}diff/", source, format="json").json()
    assert diff["changed"] is True
    assert diff["types"] == [
        {"api_id": "person", "new": False, "changes": ['name: "Person" → "Human"']}
    ]

    dry = admin.post(f"{URL}apply/", source, format="json")
    assert dry.status_code == 200
    assert dry.json()["applied"] is False
    assert TypeDefinition.objects.get(api_id="person").name == "Person"

    applied = admin.post(f"{URL}apply/", {**source, "apply": True}, format="json")
    assert applied.status_code == 200, applied.content
    assert applied.json()["applied"] is True
    assert TypeDefinition.objects.get(api_id="person").name == "Human"
    again = admin.post(f"{URL}diff/", source, format="json").json()
    assert again == {"changed": False, "lines": ["No changes."], "types": []}


@pytest.mark.parametrize("role", NOT_ADMINS)
def test_only_administrators_may_promote(source, client_for, role):
    client = client_for(role)
    assert_error(client.get(f"{URL}export/"), 403)
    assert_error(client.post(f"{URL}diff/", source, format="json"), 403)
    assert_error(client.post(f"{URL}apply/", {**source, "apply": True}, format="json"), 403)


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ([1, 2], "non_field_errors"),
        ({"format": 2, "types": []}, "format"),
        ({"format": 1, "types": "concert"}, "types"),
        ({"format": 1, "types": [{"name": "No api_id"}]}, "types[0]"),
        ({"format": 1, "types": [{"api_id": "x", "fields": [1]}]}, "types[0].fields"),
        ({"format": 1, "types": [], "apply": "yes"}, "apply"),
    ],
)
def test_a_malformed_document_is_a_400(client_for, body, path):
    admin = client_for("Administrator")
    for route in ("diff/", "apply/") if path != "apply" else ("apply/",):
        error = assert_error(admin.post(f"{URL}{route}", body, format="json"), 400)
        assert path in error["details"], error


def test_a_refused_apply_is_a_400_naming_the_type(source, client_for):
    source["types"][0]["fields"][0]["type"] = "colour"
    response = client_for("Administrator").post(
        f"{URL}apply/", {**source, "apply": True}, format="json"
    )
    error = assert_error(response, 400, "validation_error")
    assert "concert.fields[0].type" in error["details"]
