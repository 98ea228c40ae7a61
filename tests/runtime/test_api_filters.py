"""entries/<api_id>/?<field>=...: filtering and sorting a runtime type's entries by its own
fields, the same on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from tests.assertions import assert_error
from tests.runtime.conftest import PERSON

pytestmark = pytest.mark.django_db

URL = "/api/v1/entries/show/"
SEARCHABLE = {"filterable": True, "sortable": True}
SHOW = {
    "api_id": "show",
    "name": "Show",
    "title_field": "title",
    "fields": [
        {"api_id": "title", "type": "text", "required": True, **SEARCHABLE},
        {"api_id": "venue", "type": "text", **SEARCHABLE},
        {"api_id": "starts_at", "type": "datetime", **SEARCHABLE},
        {"api_id": "day", "type": "date", **SEARCHABLE},
        {"api_id": "price", "type": "decimal", **SEARCHABLE},
        {"api_id": "seats", "type": "integer", **SEARCHABLE},
        {"api_id": "open_air", "type": "boolean", **SEARCHABLE},
        {
            "api_id": "genre",
            "type": "choice",
            "options": {"choices": ["rock", "jazz"]},
            **SEARCHABLE,
        },
        {
            "api_id": "moods",
            "type": "choices",
            "options": {"choices": ["loud", "calm", "late"]},
            "filterable": True,
        },
        {
            "api_id": "headliner",
            "type": "reference",
            "options": {"types": ["person"]},
            "filterable": True,
        },
        {
            "api_id": "acts",
            "type": "reference",
            "options": {"types": ["person"], "many": True},
            "filterable": True,
        },
        {"api_id": "note", "type": "text"},
    ],
}


@pytest.fixture
def shows(client_for) -> dict:
    """Four shows by title; the decimals are chosen so that text order is not number order."""
    admin = client_for("Administrator")
    for definition in (PERSON, SHOW):
        response = admin.post("/api/v1/content-types/", definition, format="json")
        assert response.status_code == 201, response.content
    author = client_for("Author")
    people = [
        author.post("/api/v1/entries/person/", {"name": name}, format="json").json()["id"]
        for name in ("Ada", "Bo")
    ]
    rows = [
        {
            "title": "Alpha",
            "venue": "Hall A",
            "starts_at": "2027-01-05T20:00:00+01:00",  # 19:00 UTC
            "day": "2027-01-05",
            "price": "9.5",
            "seats": 80,
            "open_air": False,
            "genre": "jazz",
            "moods": ["calm", "late"],
            "headliner": people[0],
            "acts": [people[0], people[1]],
        },
        {
            "title": "Bravo",
            "venue": "Hall B",
            "starts_at": "2027-01-05T23:30:00+00:00",
            "day": "2027-01-05",
            "price": "100",
            "seats": 1200,
            "open_air": True,
            "genre": "rock",
            "moods": ["loud"],
            "headliner": people[1],
            "acts": [people[1]],
        },
        {
            "title": "Charlie",
            "venue": "Hall A",
            "starts_at": "2027-02-01T10:00:00+00:00",
            "day": "2027-02-01",
            "price": "10",
            "seats": 300,
            "open_air": True,
            "genre": "rock",
            "moods": ["loud", "late"],
        },
        {"title": "Delta", "venue": "Cellar", "note": "no date yet"},
    ]
    made = {}
    for row in rows:
        response = author.post(URL, row, format="json")
        assert response.status_code == 201, response.content
        made[row["title"]] = response.json()["id"]
    return {"ids": made, "people": people}


def _titles(client, params) -> list[str]:
    response = client.get(URL, params)
    assert response.status_code == 200, response.content
    return [item["title"] for item in response.json()["results"]]


def _matching(client, params) -> set[str]:
    return set(_titles(client, params))


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"venue": "Hall A"}, {"Alpha", "Charlie"}),
        ({"venue": "hall a"}, set()),  # exact: as stored
        ({"starts_at__gte": "2027-01-05T19:00:00Z"}, {"Alpha", "Bravo", "Charlie"}),
        ({"starts_at__gt": "2027-01-05T20:00:00+01:00"}, {"Bravo", "Charlie"}),
        (
            {"starts_at__gte": "2027-01-05T00:00:00Z", "starts_at__lt": "2027-01-06T00:00:00Z"},
            {"Alpha", "Bravo"},
        ),
        ({"starts_at": "2027-01-05T19:00:00+00:00"}, {"Alpha"}),
        ({"starts_at": "2027-01-05T14:00:00-05:00"}, {"Alpha"}),  # the same instant
        ({"day": "2027-01-05"}, {"Alpha", "Bravo"}),
        ({"day__gt": "2027-01-05"}, {"Charlie"}),
        ({"day__lte": "2027-02-01"}, {"Alpha", "Bravo", "Charlie"}),
        ({"price__gte": "10"}, {"Bravo", "Charlie"}),  # as text "9.50" > "10.00"
        ({"price__lt": "10"}, {"Alpha"}),
        ({"price": "10"}, {"Charlie"}),  # stored as "10.00"
        ({"price": "9.50"}, {"Alpha"}),
        ({"seats__gt": "100", "seats__lte": "1200"}, {"Bravo", "Charlie"}),
        ({"seats": "80"}, {"Alpha"}),
        ({"open_air": "true"}, {"Bravo", "Charlie"}),
        ({"open_air": "false"}, {"Alpha"}),
        ({"genre": "rock"}, {"Bravo", "Charlie"}),
        ({"moods": "late"}, {"Alpha", "Charlie"}),
        ({"moods__contains": "loud"}, {"Bravo", "Charlie"}),
        ({"venue": "Hall A", "open_air": "true"}, {"Charlie"}),
    ],
)
def test_each_kind_filters_by_its_values(shows, client_for, params, expected):
    assert _matching(client_for("Viewer"), params) == expected


def test_references_filter_by_id(shows, client_for):
    ada, bo = shows["people"]
    viewer = client_for("Viewer")
    assert _matching(viewer, {"headliner": ada}) == {"Alpha"}
    assert _matching(viewer, {"acts": bo}) == {"Alpha", "Bravo"}
    assert _matching(viewer, {"acts": ada}) == {"Alpha"}


def test_field_filters_combine_with_the_core_ones(shows, client_for):
    editor = client_for("Editor")
    item = f"{URL}{shows['ids']['Charlie']}/"
    assert editor.post(f"{item}publish/", {}, format="json").status_code == 200
    viewer = client_for("Viewer")
    assert _matching(viewer, {"venue": "Hall A", "status": "published"}) == {"Charlie"}
    assert _matching(viewer, {"venue": "Hall A", "q": "alp"}) == {"Alpha"}
    assert viewer.get(URL, {"venue": "Hall A", "limit": 1}).json()["count"] == 2


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("price", ["Alpha", "Charlie", "Bravo", "Delta"]),  # by number, no value last
        ("-price", ["Bravo", "Charlie", "Alpha", "Delta"]),
        ("starts_at", ["Alpha", "Bravo", "Charlie", "Delta"]),
        ("-starts_at", ["Charlie", "Bravo", "Alpha", "Delta"]),
        ("-day,title", ["Charlie", "Alpha", "Bravo", "Delta"]),
        ("seats", ["Alpha", "Charlie", "Bravo", "Delta"]),
        ("venue,-title", ["Delta", "Charlie", "Alpha", "Bravo"]),
        ("genre,title", ["Alpha", "Bravo", "Charlie", "Delta"]),
        ("-title", ["Delta", "Charlie", "Bravo", "Alpha"]),  # a core field
    ],
)
def test_ordering_by_sortable_fields(shows, client_for, ordering, expected):
    assert _titles(client_for("Viewer"), {"ordering": ordering}) == expected


@pytest.mark.parametrize(
    ("params", "parameter", "words"),
    [
        ({"loudness": "11"}, "loudness", "Unknown filter"),
        ({"venue__icontains": "hall"}, "venue__icontains", "filtered with: venue"),
        ({"note": "x"}, "note", "not filterable"),
        ({"price__gte": "cheap"}, "price__gte", "number"),
        ({"seats": "1e999"}, "seats", "number"),
        ({"starts_at__lt": "tomorrow"}, "starts_at__lt", "date-time"),
        ({"day": "2027-13-01"}, "day", "date"),
        ({"open_air": "yes"}, "open_air", "true or false"),
        ({"genre": "polka"}, "genre", "Choose one of"),
        ({"moods": "quiet"}, "moods", "Choose one of"),
        ({"headliner": "Ada"}, "headliner", "id"),
        ({"ordering": "note"}, "ordering", "not sortable"),
        ({"ordering": "moods"}, "ordering", "not sortable"),
        ({"ordering": "nothing"}, "ordering", "Unknown field"),
        ({"ordering": "price,"}, "ordering", "Name a field"),
    ],
)
def test_a_bad_filter_is_a_400_naming_the_parameter(shows, client_for, params, parameter, words):
    error = assert_error(client_for("Viewer").get(URL, params), 400, "validation_error")
    assert words in " ".join(error["details"][parameter]), error
    assert error["message"].startswith(f"{parameter}: "), error


def test_every_bad_parameter_is_named_at_once(shows, client_for):
    params = {"loudness": "11", "price": "x", "ordering": "note", "venue": "Hall A"}
    error = assert_error(client_for("Viewer").get(URL, params), 400)
    assert set(error["details"]) == {"loudness", "price", "ordering"}


def test_a_repeated_filter_is_refused(shows, client_for):
    response = client_for("Viewer").get(f"{URL}?venue=Hall+A&venue=Cellar")
    assert "one value" in assert_error(response, 400)["details"]["venue"][0]


def test_a_field_made_filterable_later_filters_at_once(shows, client_for):
    admin = client_for("Administrator")
    definition = admin.get("/api/v1/content-types/show/")
    fields = [
        {**field, "filterable": True} if field["api_id"] == "note" else field
        for field in definition.json()["fields"]
    ]
    response = admin.patch(
        "/api/v1/content-types/show/",
        {"fields": fields},
        format="json",
        HTTP_IF_MATCH=definition["ETag"],
    )
    assert response.status_code == 200, response.content
    assert _matching(client_for("Viewer"), {"note": "no date yet"}) == {"Delta"}
