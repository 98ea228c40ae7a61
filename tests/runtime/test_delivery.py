"""delivery/entries/<api_id>/: a type defined as data, delivered from the read model as
articles are (published only, filters over its own fields, cache and validators)."""

from __future__ import annotations

import pytest

from content.models.snapshots import DeliverySnapshot, SnapshotValue
from tests.assertions import assert_error
from tests.content.factories import make_image

pytestmark = pytest.mark.django_db

API = "/api/v1/delivery/entries"
GIG = {
    "api_id": "show",
    "name": "Show",
    "title_field": "title",
    "fields": [
        {"api_id": "title", "type": "text", "required": True, "searchable": True},
        {"api_id": "venue", "type": "text", "filterable": True, "sortable": True},
        {"api_id": "blurb", "type": "text", "searchable": True},
        {"api_id": "starts_at", "type": "datetime", "filterable": True, "sortable": True},
        {"api_id": "day", "type": "date", "filterable": True},
        {"api_id": "price", "type": "decimal", "filterable": True, "sortable": True},
        {"api_id": "seats", "type": "integer", "filterable": True, "default": 100},
        {
            "api_id": "genres",
            "type": "choices",
            "filterable": True,
            "options": {"choices": ["rock", "jazz", "folk"]},
        },
        {"api_id": "free", "type": "boolean", "filterable": True},
        {"api_id": "poster", "type": "media"},
        {"api_id": "notes", "type": "rich_text"},
        {"api_id": "headliner", "type": "reference", "options": {"types": ["person"]}},
    ],
}
PERSON = {
    "api_id": "person",
    "name": "Person",
    "title_field": "name",
    "fields": [{"api_id": "name", "type": "text", "required": True}],
}


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Call an API and then what it queued on commit (the version renewal), as in production."""

    def call(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return call


@pytest.fixture
def editor(client_for, run):
    admin = client_for("Administrator")
    for definition in (PERSON, GIG):
        response = run(admin.post, "/api/v1/content-types/", definition, format="json")
        assert response.status_code == 201, response.content
    return client_for("Editor")


@pytest.fixture
def make(editor, run):
    """make("show", publish=True, **fields): an entry created (and published) as an Editor."""

    def create(api_id: str, *, publish: bool = True, **data) -> dict:
        response = run(editor.post, f"/api/v1/entries/{api_id}/", data, format="json")
        assert response.status_code == 201, response.content
        entry = response.json()
        if publish:
            published = run(editor.post, f"/api/v1/entries/{api_id}/{entry['id']}/publish/")
            assert published.status_code == 200, published.content
        return entry

    return create


def _gig(make, title: str, **data) -> dict:
    values = {"venue": "Hall A", "starts_at": "2027-01-10T20:00:00Z", "day": "2027-01-10"}
    return make("show", title=title, **{**values, **data})


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["results"]]


def test_a_published_entry_is_listed_and_served_with_its_fields(api_client, make):
    person = make("person", name="Ada")
    poster = make_image(title="Poster")
    show = _gig(
        make,
        "Night",
        price="12.5",
        genres=["jazz"],
        free=False,
        poster=poster.pk,
        notes=[{"type": "paragraph", "value": {"text": "Doors at 7"}}],
        headliner=person["id"],
    )
    listed = api_client.get(f"{API}/show/")
    item = listed.json()["results"][0]
    assert list(item)[:9] == [
        "id",
        "type",
        "title",
        "slug",
        "locale",
        "translation_key",
        "url",
        "published_at",
        "updated_at",
    ]
    # Then its fields in order (its "title" field is the core title).
    assert list(item)[9:] == [f["api_id"] for f in GIG["fields"][1:]]
    assert item["type"] == "show"
    assert item["title"] == "Night"
    assert item["url"].endswith(f"/show/{show['slug']}/")
    assert item["venue"] == "Hall A"
    assert item["starts_at"] == "2027-01-10T20:00:00+00:00"
    assert item["price"] == "12.50"
    assert item["seats"] == 100  # the field's default
    assert item["blurb"] is None
    assert item["genres"] == ["jazz"]
    assert item["poster"]["id"] == poster.pk
    assert item["poster"]["alt"] == "An example"
    assert item["notes"] == [{"type": "paragraph", "value": {"text": "Doors at 7"}}]
    assert item["headliner"] == {"type": "person", "id": person["id"]}

    detail = api_client.get(f"{API}/show/{show['slug']}/")
    assert detail.status_code == 200
    body = detail.json()
    assert {k: body[k] for k in item} == item
    assert body["seo"]["title"] == "Night"
    # The person is delivered at its own address.
    people = api_client.get(f"{API}/person/")
    assert _ids(people) == [person["id"]]


def test_drafts_never_show_and_unpublish_and_trash_remove(api_client, make, editor, run):
    draft = _gig(make, "Draft", publish=False)
    live = _gig(make, "Live")
    gone = _gig(make, "Gone")
    assert _ids(api_client.get(f"{API}/show/")) == [gone["id"], live["id"]]
    assert_error(api_client.get(f"{API}/show/{draft['slug']}/"), 404)

    run(editor.post, f"/api/v1/entries/show/{gone['id']}/unpublish/")
    assert _ids(api_client.get(f"{API}/show/")) == [live["id"]]
    assert_error(api_client.get(f"{API}/show/{gone['slug']}/"), 404)

    assert run(editor.delete, f"/api/v1/entries/show/{live['id']}/").status_code == 204
    assert _ids(api_client.get(f"{API}/show/")) == []
    assert not DeliverySnapshot.objects.filter(kind="show").exists()
    assert not SnapshotValue.objects.exists()


def test_unknown_types_and_slugs_are_404s(api_client, make):
    _gig(make, "Night")
    assert_error(api_client.get(f"{API}/nothing/"), 404)
    assert_error(api_client.get(f"{API}/nothing/night/"), 404)
    assert_error(api_client.get(f"{API}/article/"), 404)  # a code type is not served here
    assert_error(api_client.get(f"{API}/show/no-such-slug/"), 404)
    # Code types keep their own routes, once.
    assert api_client.get("/api/v1/delivery/articles/").status_code == 200


def test_pages_cursors_and_fields(api_client, make):
    made = [_gig(make, f"Show {i}")["id"] for i in range(5)]
    newest_first = made[::-1]
    first = api_client.get(f"{API}/show/", {"limit": 2})
    assert _ids(first) == newest_first[:2]
    second = api_client.get(first.json()["next"])
    assert _ids(second) == newest_first[2:4]
    paged = api_client.get(f"{API}/show/", {"limit": 2, "page": 3}).json()
    assert [i["id"] for i in paged["results"]] == newest_first[4:]
    assert paged["count"] == 5
    narrow = api_client.get(f"{API}/show/", {"fields": "id,venue", "limit": 1}).json()
    assert narrow["results"] == [{"id": newest_first[0], "venue": "Hall A"}]
    assert_error(api_client.get(f"{API}/show/", {"fields": "id,loudness"}), 400)


def test_expand_gives_the_referenced_summary_when_published(api_client, make, editor, run):
    ada = make("person", name="Ada")
    show = _gig(make, "Night", headliner=ada["id"])
    expanded = api_client.get(f"{API}/show/", {"expand": "headliner"}).json()["results"][0]
    assert expanded["headliner"]["id"] == ada["id"]
    assert expanded["headliner"]["title"] == "Ada"
    assert expanded["headliner"]["name"] == "Ada"
    assert expanded["headliner"]["url"].endswith(f"/person/{ada['slug']}/")
    detail = api_client.get(f"{API}/show/{show['slug']}/", {"expand": "headliner"}).json()
    assert detail["headliner"]["title"] == "Ada"

    run(editor.post, f"/api/v1/entries/person/{ada['id']}/unpublish/")
    gone = api_client.get(f"{API}/show/", {"expand": "headliner"}).json()["results"][0]
    assert gone["headliner"] is None
    plain = api_client.get(f"{API}/show/").json()["results"][0]
    assert plain["headliner"] == {"type": "person", "id": ada["id"]}
    assert_error(api_client.get(f"{API}/show/", {"expand": "venue"}), 400)


def test_expanded_references_are_in_the_surrogate_keys(api_client, make):
    """A CDN purge of the referenced person reaches the responses that show it."""
    ada = make("person", name="Ada")
    show = _gig(make, "Night", headliner=ada["id"])
    own = {"show", f"show-{show['id']}"}
    listed = api_client.get(f"{API}/show/", {"expand": "headliner"})
    assert set(listed["Surrogate-Key"].split()) == own | {f"person-{ada['id']}"}
    detail = api_client.get(f"{API}/show/{show['slug']}/", {"expand": "headliner"})
    assert set(detail["Surrogate-Key"].split()) == own | {f"person-{ada['id']}"}
    # Not expanded, or left out by fields=: the person is not in the response.
    assert set(api_client.get(f"{API}/show/")["Surrogate-Key"].split()) == own
    narrow = api_client.get(f"{API}/show/", {"expand": "headliner", "fields": "id,title"})
    assert set(narrow["Surrogate-Key"].split()) == own


def test_search_reads_the_title_and_searchable_fields(api_client, make):
    harbour = _gig(make, "Harbour lights", blurb="Saxophone by the water")
    _gig(make, "Mountain echo", blurb="Fiddles")
    assert _ids(api_client.get(f"{API}/show/", {"search": "harbour"})) == [harbour["id"]]
    assert _ids(api_client.get(f"{API}/show/", {"search": "saxophone"})) == [harbour["id"]]


def test_filters_of_each_kind(api_client, make):
    a = _gig(
        make,
        "A",
        venue="Hall A",
        starts_at="2027-01-05T20:00:00Z",
        day="2027-01-05",
        price="10",
        seats=50,
        genres=["rock", "jazz"],
        free=True,
    )
    b = _gig(
        make,
        "B",
        venue="Hall B",
        starts_at="2027-01-31T23:30:00Z",
        day="2027-01-31",
        price="25.50",
        genres=["folk"],
        free=False,
    )
    c = _gig(make, "C", venue="Hall A", starts_at="2027-02-01T00:00:00Z", day="2027-02-01")

    def ids(**params):
        return sorted(_ids(api_client.get(f"{API}/show/", params)))

    assert ids(venue="Hall A") == sorted([a["id"], c["id"]])
    assert ids(venue="Hall C") == []
    january = {"starts_at__gte": "2027-01-01", "starts_at__lt": "2027-02-01"}
    assert ids(**january) == sorted([a["id"], b["id"]])
    assert ids(starts_at__gt="2027-01-31T23:30:00Z") == [c["id"]]
    assert ids(starts_at__lte="2027-01-31T23:30:00Z") == sorted([a["id"], b["id"]])
    assert ids(day__gte="2027-01-31") == sorted([b["id"], c["id"]])
    assert ids(day="2027-01-05") == [a["id"]]
    assert ids(price__gte="10.5") == [b["id"]]
    assert ids(price__lt="26", price__gt="9") == sorted([a["id"], b["id"]])
    assert ids(seats__gt="60") == sorted([b["id"], c["id"]])  # the default, 100, counts
    assert ids(seats="50") == [a["id"]]
    assert ids(genres="jazz") == [a["id"]]  # contains
    assert ids(genres="folk") == [b["id"]]
    assert ids(free="true") == [a["id"]]
    assert ids(free="false") == [b["id"]]
    assert ids(venue="Hall A", free="true") == [a["id"]]


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"loudness": "11"}, "loudness"),
        ({"blurb": "x"}, "blurb"),  # searchable, not filterable
        ({"venue__gte": "Hall"}, "venue__gte"),  # text compares for equality only
        ({"starts_at__gte": "soon"}, "starts_at__gte"),
        ({"day__lt": "2027-13-01"}, "day__lt"),
        ({"price__gt": "cheap"}, "price__gt"),
        ({"seats": "NaN"}, "seats"),
        ({"free": "yes"}, "free"),
        ({"genres": "polka"}, "genres"),
        ({"ordering": "blurb"}, "ordering"),
    ],
)
def test_a_bad_filter_or_value_is_a_400_naming_it(api_client, make, params, name):
    _gig(make, "Night")
    error = assert_error(api_client.get(f"{API}/show/", params), 400, "validation_error")
    assert list(error["details"]) == [name]


def test_ordering_on_sortable_fields(api_client, make):
    cheap = _gig(make, "Cheap", price="5", venue="Zenith", starts_at="2027-03-01T10:00:00Z")
    dear = _gig(make, "Dear", price="50", venue="Arena", starts_at="2027-01-01T10:00:00Z")
    free = _gig(make, "Unpriced", venue="Mill", starts_at="2027-02-01T10:00:00Z")

    def ids(ordering):
        return _ids(api_client.get(f"{API}/show/", {"ordering": ordering}))

    assert ids("price") == [cheap["id"], dear["id"], free["id"]]  # no value: last
    assert ids("-price") == [dear["id"], cheap["id"], free["id"]]
    assert ids("venue") == [dear["id"], free["id"], cheap["id"]]
    assert ids("-starts_at") == [cheap["id"], free["id"], dear["id"]]
    assert ids("title") == [cheap["id"], dear["id"], free["id"]]
    page = api_client.get(f"{API}/show/", {"ordering": "price", "limit": 2}).json()
    assert page["count"] == 3
    assert _ids(api_client.get(page["next"])) == [free["id"]]


def test_etag_304_surrogate_keys_and_cache_invalidated_by_a_publish(api_client, make):
    show = _gig(make, "One")
    first = api_client.get(f"{API}/show/")
    assert first["Surrogate-Key"].split() == ["show", f"show-{show['id']}"]
    again = api_client.get(f"{API}/show/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    detail = api_client.get(f"{API}/show/{show['slug']}/")
    assert (
        api_client.get(f"{API}/show/{show['slug']}/", HTTP_IF_NONE_MATCH=detail["ETag"]).status_code
        == 304
    )

    second = _gig(make, "Two")
    fresh = api_client.get(f"{API}/show/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert fresh.status_code == 200
    assert _ids(fresh) == [second["id"], show["id"]]


def test_a_field_rename_rerenders_published_entries(api_client, make, client_for, run):
    show = _gig(make, "Night", venue="Hall A")
    assert api_client.get(f"{API}/show/{show['slug']}/").json()["venue"] == "Hall A"

    admin = client_for("Administrator")
    current = admin.get("/api/v1/content-types/show/").json()
    for field in current["fields"]:
        if field["api_id"] == "venue":
            field["api_id"] = "place"
    response = run(
        admin.patch,
        "/api/v1/content-types/show/",
        {"fields": current["fields"]},
        format="json",
        HTTP_IF_MATCH=f'"{current["revision"]}"',
    )
    assert response.status_code == 200, response.content

    item = api_client.get(f"{API}/show/{show['slug']}/").json()
    assert item["place"] == "Hall A"
    assert "venue" not in item
    # Its filter follows the new name, reading the same indexed values.
    assert _ids(api_client.get(f"{API}/show/", {"place": "Hall A"})) == [show["id"]]
    assert_error(api_client.get(f"{API}/show/", {"venue": "Hall A"}), 400)

    # Removed, the field leaves the payload; given back by its key, it returns.
    def patch(fields):
        revision = admin.get("/api/v1/content-types/show/").json()["revision"]
        response = run(
            admin.patch,
            "/api/v1/content-types/show/",
            {"fields": fields},
            format="json",
            HTTP_IF_MATCH=f'"{revision}"',
        )
        assert response.status_code == 200, response.content

    patch([f for f in current["fields"] if f["api_id"] != "place"])
    assert "place" not in api_client.get(f"{API}/show/{show['slug']}/").json()
    patch(current["fields"])
    assert api_client.get(f"{API}/show/{show['slug']}/").json()["place"] == "Hall A"
