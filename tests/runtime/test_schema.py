"""The OpenAPI schema gives every type defined as data its own paths and typed components,
follows changes to the types without a restart, and stays valid."""

from __future__ import annotations

import ast
import datetime
import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.runtime.conftest import CONCERT, PERSON
from tests.runtime.test_api_filters import SHOW

pytestmark = pytest.mark.django_db

CONCERTS = "/api/v1/entries/concert/"
DELIVERED = "/api/v1/delivery/entries/concert/"
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
    for api_id in ("concert", "person"):
        assert f"/api/v1/delivery/entries/{api_id}/" in paths
        assert f"/api/v1/delivery/entries/{api_id}/{{slug}}/" in paths
    assert not [p for p in paths if p.startswith("/api/v1/delivery/entries/{api_id}")]
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


def _parameters(schema: dict, path: str) -> dict[str, dict]:
    """The query parameters of `path`'s list, by name."""
    operation = schema["paths"][path]["get"]
    return {p["name"]: p for p in operation["parameters"] if p["in"] == "query"}


def test_each_type_is_delivered_with_typed_components(types, client):
    schema = get_schema(client)
    paths, components = schema["paths"], schema["components"]["schemas"]
    listed = paths[DELIVERED]["get"]
    assert listed["operationId"] == "delivery_entries_concert_list"
    assert listed["tags"] == ["delivery"]
    assert not [p for p in listed["parameters"] if p["in"] == "path"]
    assert _ref(listed["responses"]["200"]["content"]) == "DeliveryConcertList"
    one = paths[f"{DELIVERED}{{slug}}/"]["get"]
    assert [p["name"] for p in one["parameters"] if p["in"] == "path"] == ["slug"]
    assert _ref(one["responses"]["200"]["content"]) == "DeliveryConcert"
    person = paths["/api/v1/delivery/entries/person/{slug}/"]["get"]
    assert _ref(person["responses"]["200"]["content"]) == "DeliveryPerson"

    results = components["DeliveryConcertList"]["properties"]["results"]
    assert results["items"] == {"$ref": f"{COMPONENTS}DeliveryConcertSummary"}
    summary = components["DeliveryConcertSummary"]["properties"]
    # The core keys, then each field of the type, typed as the management API types it.
    core = ["id", "title", "slug", "locale", "translation_key", "url", "published_at"]
    assert list(summary)[: len(core)] == core
    assert summary["type"] == {"$ref": f"{COMPONENTS}DeliveryConcertType"}
    assert summary["starts_at"] == {"type": "string", "format": "date-time"}
    assert summary["venue"] == {"type": "string", "maxLength": 255, "nullable": True}
    assert summary["price"]["format"] == "decimal"
    assert summary["tickets"] == {"type": "integer", "nullable": True}
    assert summary["sold_out"] == {"type": "boolean", "nullable": True}
    assert summary["genre"]["allOf"] == [{"$ref": f"{COMPONENTS}ConcertGenreEnum"}]
    assert summary["headliner"] == {
        "anyOf": [
            {"$ref": f"{COMPONENTS}EntryReference"},
            {"$ref": f"{COMPONENTS}DeliveryPersonSummary"},
        ],
        "nullable": True,
    }
    detail = components["DeliveryConcert"]["properties"]
    assert detail["starts_at"] == summary["starts_at"]
    assert detail["body"]["items"] == {"$ref": f"{COMPONENTS}DeliveryBlock"}
    assert detail["seo"] == {"$ref": f"{COMPONENTS}DeliverySeo"}
    assert components["DeliveryPersonSummary"]["properties"]["email"]["format"] == "email"


def _schema_of(parameters: dict[str, dict], name: str) -> dict:
    return parameters[name]["schema"]


def test_each_types_lists_document_its_filters_and_orderings(client, client_for):
    admin = client_for("Administrator")
    for definition in (PERSON, SHOW):
        response = admin.post("/api/v1/content-types/", definition, format="json")
        assert response.status_code == 201, response.content
    schema = get_schema(client)
    managed = _parameters(schema, "/api/v1/entries/show/")
    delivered = _parameters(schema, "/api/v1/delivery/entries/show/")
    for params in (managed, delivered):
        assert _schema_of(params, "venue") == {"type": "string"}
        assert _schema_of(params, "starts_at") == {"type": "string", "format": "date-time"}
        for op in ("gt", "gte", "lt", "lte"):
            assert _schema_of(params, f"starts_at__{op}")["format"] == "date-time"
            assert _schema_of(params, f"day__{op}") == {"type": "string", "format": "date"}
            assert _schema_of(params, f"price__{op}") == {"type": "number"}
            assert _schema_of(params, f"seats__{op}") == {"type": "number"}
        assert _schema_of(params, "open_air") == {"type": "boolean"}
        assert _schema_of(params, "genre") == {"type": "string", "enum": ["rock", "jazz"]}
        assert _schema_of(params, "moods")["enum"] == ["loud", "calm", "late"]
        assert _schema_of(params, "headliner") == {"type": "integer"}
        assert _schema_of(params, "acts") == {"type": "integer"}
        # Text, choices and ids compare for equality only; a field not filterable is absent.
        for name in ("venue__gte", "genre__lt", "headliner__gt", "note", "person"):
            assert name not in params, name
        assert params["starts_at__gte"]["description"] == "Starts at (gte)."

    # Management: several comma-separated terms, the core fields' and the sortable fields'.
    ordering = managed["ordering"]
    assert ordering["style"] == "form"
    assert ordering["explode"] is False
    terms = set(ordering["schema"]["items"]["enum"])
    assert {"updated_at", "-updated_at", "title", "-status", "venue", "-venue"} <= terms
    assert {"starts_at", "-price", "seats", "-open_air", "genre", "-day"} <= terms
    assert not {"moods", "headliner", "acts", "note"} & terms
    # Delivery: one term, the common orderings and the sortable fields'.
    terms = set(delivered["ordering"]["schema"]["enum"])
    assert {"-published_at", "published_at", "title", "-title", "venue", "-starts_at"} <= terms
    assert {"price", "-seats", "genre", "-day", "open_air"} <= terms
    assert not {"moods", "-moods", "headliner", "note", "updated_at"} & terms


def test_the_schema_follows_a_renamed_field_at_once(types, client, client_for):
    assert "venue" in get_schema(client)["components"]["schemas"]["Concert"]["properties"]
    fields = types["concert"]["fields"]
    renamed = [{**f, "api_id": "hall"} if f["api_id"] == "venue" else f for f in fields]
    admin = client_for("Administrator")
    response = admin.patch(
        "/api/v1/content-types/concert/",
        {"fields": renamed},
        format="json",
        HTTP_IF_MATCH=f'"{types["concert"]["revision"]}"',
    )
    assert response.status_code == 200, response.content

    schema = get_schema(client)
    props = schema["components"]["schemas"]["Concert"]["properties"]
    assert "hall" in props
    assert "venue" not in props
    delivered = schema["components"]["schemas"]["DeliveryConcertSummary"]["properties"]
    assert "hall" in delivered
    assert "venue" not in delivered
    for path in (CONCERTS, DELIVERED):
        names = set(_parameters(schema, path))
        assert "hall" in names, path
        assert "venue" not in names, path


SAMPLER = {
    "api_id": "sampler",
    "name": "Sampler",
    "fields": [
        {"api_id": "code", "type": "text", "options": {"pattern": "[A-Z]{3}", "min_length": 3}},
        {"api_id": "notes", "type": "long_text"},
        {"api_id": "story", "type": "rich_text"},
        {"api_id": "seats", "type": "integer", "options": {"min_value": 1, "max_value": 9}},
        {"api_id": "day", "type": "date", "required": True},
        {"api_id": "contact", "type": "email"},
        {"api_id": "site", "type": "url"},
        {"api_id": "moods", "type": "choices", "options": {"choices": ["a", "b"], "max_items": 2}},
        {"api_id": "genre", "type": "choice", "options": {"choices": ["x", "y"]}},
        {"api_id": "photo", "type": "media"},
        {"api_id": "cast", "type": "reference", "options": {"types": ["person"], "many": True}},
    ],
}


def test_every_kind_is_typed_and_the_schema_validates(client, client_for, tmp_path):
    # A schema made before the types exist: what it read must not linger (EntryTypeEnum).
    paths = get_schema(client)["paths"]
    assert "/api/v1/entries/person/" not in paths
    assert not [p for p in paths if p.startswith("/api/v1/delivery/entries/")]
    admin = client_for("Administrator")
    for definition in (PERSON, CONCERT, SAMPLER):
        response = admin.post("/api/v1/content-types/", definition, format="json")
        assert response.status_code == 201, response.content
    out = tmp_path / "schema.json"
    # As `manage.py spectacular --validate --fail-on-warn` checks it (two types with a
    # `genre` choice field: no enum name collision).
    call_command(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--format",
        "openapi-json",
        "--file",
        str(out),
    )
    schemas = json.loads(out.read_text())["components"]["schemas"]
    props = schemas["SamplerCreateRequest"]["properties"]
    assert props["code"] == {
        "type": "string",
        "maxLength": 255,
        "minLength": 3,
        "pattern": "^(?:[A-Z]{3})$",
        "nullable": True,
    }
    assert props["notes"]["maxLength"] == 10_000
    assert props["story"]["type"] == "array"
    assert props["seats"] == {"type": "integer", "minimum": 1, "maximum": 9, "nullable": True}
    assert props["day"] == {"type": "string", "format": "date"}
    assert props["contact"]["format"] == "email"
    assert props["site"]["format"] == "uri"
    assert props["moods"]["items"] == {"$ref": f"{COMPONENTS}SamplerMoodsEnum"}
    assert props["moods"]["maxItems"] == 2
    assert schemas["SamplerGenreEnum"]["enum"] == ["x", "y"]
    assert schemas["ConcertGenreEnum"]["enum"] == ["rock", "jazz"]
    assert props["photo"]["type"] == "integer"
    assert props["cast"]["items"] == {"$ref": f"{COMPONENTS}EntryReferenceRequest"}
    assert schemas["SamplerCreateRequest"]["required"] == ["day"]
    # The delivery preview's shapes follow the types too (drf-spectacular would keep the
    # first generation's).
    assert {"concert", "sampler"} <= set(schemas["DeliveryPreview"]["discriminator"]["mapping"])

    # Delivered as delivery renders them: media as media objects, rich text as blocks,
    # references as {"type", "id"} or, expanded, the referenced type's summary.
    delivered = schemas["DeliverySamplerSummary"]["properties"]
    assert list(delivered)[-len(SAMPLER["fields"]) :] == [f["api_id"] for f in SAMPLER["fields"]]
    assert delivered["photo"] == {
        "allOf": [{"$ref": f"{COMPONENTS}DeliveryMedia"}],
        "nullable": True,
    }
    assert delivered["story"]["items"] == {"$ref": f"{COMPONENTS}DeliveryBlock"}
    assert delivered["cast"]["items"] == {
        "anyOf": [
            {"$ref": f"{COMPONENTS}EntryReference"},
            {"$ref": f"{COMPONENTS}DeliveryPersonSummary"},
        ]
    }
    assert delivered["day"] == {"type": "string", "format": "date"}
    assert delivered["moods"]["items"] == {"$ref": f"{COMPONENTS}SamplerMoodsEnum"}
    assert "required" not in schemas["DeliverySamplerSummary"]  # `fields=` may leave any out


def _annotations(module: Path, name: str) -> dict[str, str]:
    """The annotated attributes of the class `name` in a generated module, as written."""
    tree = ast.parse(module.read_text())
    found = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == name)
    return {
        node.target.id: ast.unparse(node.annotation)
        for node in found.body
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)
    }


def test_a_generated_client_has_a_typed_model_per_type(
    types, client, client_for, tmp_path, django_capture_on_commit_callbacks
):
    (tmp_path / "schema.json").write_text(json.dumps(get_schema(client)))
    # No post hooks: they would run ruff over the generated code, which changes nothing here.
    (tmp_path / "config.yaml").write_text("post_hooks: []\n")
    generator = Path(sys.executable).with_name("openapi-python-client")
    command = [generator, "generate", "--path", "schema.json", "--output-path", "folio_client"]
    command += ["--meta", "none", "--config", "config.yaml"]
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False)  # noqa: S603
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Warning" not in done.stdout, done.stdout

    models = tmp_path / "folio_client" / "models"
    concert = _annotations(models / "concert.py", "Concert")
    assert concert["starts_at"] == "datetime.datetime"
    assert concert["venue"] == "None | str"
    assert concert["tickets"] == "int | None"
    assert concert["genre"] == "ConcertGenreEnum | None"
    assert concert["headliner"] == "EntryReference | None"
    created = _annotations(models / "concert_create_request.py", "ConcertCreateRequest")
    assert created["starts_at"] == "datetime.datetime"
    assert created["venue"] == "None | str | Unset"
    delivered = _annotations(models / "delivery_concert.py", "DeliveryConcert")
    assert delivered["starts_at"] == "datetime.datetime | Unset"
    assert delivered["genre"] == "ConcertGenreEnum | None | Unset"
    assert delivered["tickets"] == "int | None | Unset"
    assert "EntryReference" in delivered["headliner"]
    assert "DeliveryPersonSummary" in delivered["headliner"]

    # The models read what the API answers, typed.
    admin = client_for("Administrator")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            CONCERTS,
            {
                "title": "Live",
                "starts_at": "2031-05-01T20:00:00Z",
                "genre": "jazz",
                "price": "12.5",
            },
            format="json",
        )
        assert response.status_code == 201, response.content
        published = admin.post(f"{CONCERTS}{response.json()['id']}/publish/")
        assert published.status_code == 200, published.content
    served = client.get(f"{DELIVERED}{response.json()['slug']}/")
    assert served.status_code == 200, served.content
    sys.path.insert(0, str(tmp_path))
    try:
        generated = importlib.import_module("folio_client.models")
        model = generated.Concert.from_dict(response.json())
        item = generated.DeliveryConcert.from_dict(served.json())
    finally:
        sys.path.remove(str(tmp_path))
        for name in [m for m in sys.modules if m.split(".")[0] == "folio_client"]:
            del sys.modules[name]
    assert model.starts_at == datetime.datetime(2031, 5, 1, 20, tzinfo=datetime.UTC)
    assert model.genre.value == "jazz"
    assert model.price == "12.50"
    assert model.tickets == 100
    assert item.starts_at == model.starts_at
    assert item.genre.value == "jazz"
    assert item.price == "12.50"
    assert item.tickets == 100
    assert item.headliner is None


def test_the_spectacular_command_reads_the_types_from_the_database(types, tmp_path):
    """`manage.py spectacular` in a new process, against a database holding types that
    process has not loaded (here promoted into it by `schema_apply --apply`)."""
    document = tmp_path / "types.json"
    call_command("schema_export", "--output", str(document))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'other.sqlite3'}",
    }

    def manage(*args: str) -> None:
        command = [sys.executable, "manage.py", *args]
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
        assert done.returncode == 0, done.stdout + done.stderr

    manage("migrate", "--verbosity", "0")
    manage("schema_apply", str(document), "--apply")
    manage("spectacular", "--format", "openapi-json", "--file", str(tmp_path / "schema.json"))
    schema = json.loads((tmp_path / "schema.json").read_text())
    assert f"{CONCERTS}{{id}}/" in schema["paths"]
    assert "/api/v1/delivery/entries/person/" in schema["paths"]
    assert "Concert" in schema["components"]["schemas"]
