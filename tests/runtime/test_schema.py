"""The OpenAPI schema gives every type defined as data its own paths and typed components,
follows changes to the types without a restart, and stays valid."""

from __future__ import annotations

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

CONCERTS = "/api/v1/entries/concert/"
COMPONENTS = "#/components/schemas/"


def get_schema(client) -> dict:
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def _ref(content: dict) -> str:
    ref = content["application/json"]["schema"]["$ref"]
    assert ref.startswith(COMPONENTS), ref
    return ref.removeprefix(COMPONENTS)


def test_each_type_has_its_own_paths_and_no_generic_route(types, client):
    paths = get_schema(client)["paths"]
    for path in ("", "{id}/", "{id}/publish/", "{id}/revisions/", "{id}/restore/"):
        assert f"{CONCERTS}{path}" in paths, path
        assert f"/api/v1/entries/person/{path}" in paths, path
    assert not [path for path in paths if path.startswith("/api/v1/entries/{api_id}")]
    operation = paths[f"{CONCERTS}{{id}}/"]["get"]
    assert operation["tags"] == ["concert"]
    assert [p["name"] for p in operation["parameters"] if p["in"] == "path"] == ["id"]


def test_a_type_has_typed_components(types, client):
    schema = get_schema(client)
    paths, components = schema["paths"], schema["components"]["schemas"]
    assert _ref(paths[f"{CONCERTS}{{id}}/"]["get"]["responses"]["200"]["content"]) == "Concert"
    create = paths[CONCERTS]["post"]
    assert _ref(create["requestBody"]["content"]) == "ConcertCreateRequest"
    assert _ref(create["responses"]["201"]["content"]) == "Concert"
    patch = paths[f"{CONCERTS}{{id}}/"]["patch"]
    assert _ref(patch["requestBody"]["content"]) == "PatchedConcertUpdateRequest"

    concert = components["Concert"]
    props = concert["properties"]
    venue = {"type": "string", "maxLength": 255, "readOnly": True, "nullable": True}
    assert props["venue"] == venue
    assert props["starts_at"] == {"type": "string", "format": "date-time", "readOnly": True}
    assert props["price"]["type"] == "string"
    assert props["price"]["format"] == "decimal"
    assert props["price"]["description"] == "at least 0."
    assert props["tickets"]["type"] == "integer"
    assert props["genre"]["allOf"] == [{"$ref": f"{COMPONENTS}ConcertGenreEnum"}]
    assert components["ConcertGenreEnum"] == {"type": "string", "enum": ["rock", "jazz"]}
    assert props["sold_out"]["type"] == "boolean"
    assert props["headliner"]["allOf"] == [{"$ref": f"{COMPONENTS}EntryReference"}]
    assert {"id", "title", "status", "venue", "starts_at"} <= set(concert["required"])

    created = components["ConcertCreateRequest"]
    assert "starts_at" in created["required"]
    assert "venue" not in created["required"]
    assert created["properties"]["starts_at"] == {"type": "string", "format": "date-time"}
    assert created["properties"]["venue"]["nullable"] is True
    assert "required" not in components["PatchedConcertUpdateRequest"]
    person = components["Person"]["properties"]
    assert person["email"]["format"] == "email"


def test_the_schema_follows_a_renamed_field_at_once(types, client, client_for):
    assert "venue" in get_schema(client)["components"]["schemas"]["Concert"]["properties"]
    fields = types["concert"]["fields"]
    renamed = [{**f, "api_id": "hall"} if f["api_id"] == "venue" else f for f in fields]
    admin = client_for("Administrator")
    response = admin.patch("/api/v1/content-types/concert/", {"fields": renamed}, format="json")
    assert response.status_code == 200, response.content

    props = get_schema(client)["components"]["schemas"]["Concert"]["properties"]
    assert "hall" in props
    assert "venue" not in props


def test_the_schema_with_runtime_types_validates_without_warnings(types, tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    assert "/api/v1/entries/concert/{id}/publish/:" in out.read_text()
