"""Content types as data in the admin, through the Django test client: an Administrator
defines a type with the type form (every save goes through the definition service, whose
refusals show on the form), and the type's entries get their own admin pages at once."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from content.admin.widgets import BodyEditorWidget
from content.models import Entry, TypeDefinition
from content.types import entry_type
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

ADD_TYPE = "/admin/content/typedefinition/add/"
ROW = {"label": "", "help_text": "", "order": ""}


@pytest.fixture
def administrator(client):
    client.force_login(UserFactory(role="Administrator"))
    return client


def definition_post(rows: list[dict], **type_data) -> dict:
    """What the type form posts: the type's inputs and one inline row per field."""
    data = {
        "name": "Concert",
        "api_id": "concert",
        "description": "",
        "title_api_id": "",
        "fields-TOTAL_FORMS": str(len(rows)),
        "fields-INITIAL_FORMS": "0",
        "fields-MIN_NUM_FORMS": "0",
        "fields-MAX_NUM_FORMS": "1000",
        "_save": "Save",
        **type_data,
    }
    for index, row in enumerate(rows):
        for name, value in {**ROW, "order": str(index), **row}.items():
            data[f"fields-{index}-{name}"] = value
    return data


SIX_FIELDS = [
    {"api_id": "headline", "kind": "text", "required": "on", "pattern": r"[A-Z].*"},
    {"api_id": "seats", "kind": "integer", "min_value": "0"},
    {"api_id": "price", "kind": "decimal", "decimal_places": "2"},
    {"api_id": "day", "kind": "date", "required": "on"},
    {"api_id": "genre", "kind": "choice", "choices": "rock\njazz"},
    {"api_id": "sold_out", "kind": "boolean"},
]


def define_concert(client) -> TypeDefinition:
    response = client.post(ADD_TYPE, definition_post(SIX_FIELDS, title_api_id="headline"))
    assert response.status_code == 302, response.context and errors_of(response)
    return TypeDefinition.objects.get(api_id="concert")


def errors_of(response) -> list[str]:
    """Every error message the re-rendered form shows: the type's and each row's."""
    form = response.context["adminform"].form
    shown = [m for messages in form.errors.values() for m in messages]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        shown += list(formset.non_form_errors())
        shown += [m for row in formset.errors for messages in row.values() for m in messages]
    return shown


def test_an_administrator_defines_a_type_with_six_kinds_of_field(administrator):
    definition = define_concert(administrator)

    described = entry_type("concert").extra["fields"]
    assert [(f.api_id, f.kind) for f in described] == [
        ("headline", "text"),
        ("seats", "integer"),
        ("price", "decimal"),
        ("day", "date"),
        ("genre", "choice"),
        ("sold_out", "boolean"),
    ]
    assert described[0].options == {"pattern": "[A-Z].*"}
    assert described[1].options == {"min_value": 0}
    assert described[4].options == {"choices": ["rock", "jazz"]}
    assert definition.revision == 1
    page = administrator.get(f"/admin/content/typedefinition/{definition.pk}/change/")
    assert page.status_code == 200
    assert "<td>1</td>" in page.content.decode()  # the revision list
    assert page.context["adminform"].form["title_api_id"].value() == "headline"


def test_a_change_renames_reorders_and_removes_fields_by_their_rows(administrator):
    definition = define_concert(administrator)
    fields = {f.api_id: f for f in definition.fields.all()}
    rows = [
        {**row, "id": str(fields[row["api_id"]].pk), "definition": str(definition.pk)}
        for row in SIX_FIELDS
    ]
    rows[1] = {**rows[1], "api_id": "capacity", "order": "9"}  # renamed, moved last
    rows[5] = {**rows[5], "DELETE": "on"}  # removed
    data = definition_post(rows, title_api_id="headline")
    data["fields-INITIAL_FORMS"] = str(len(rows))

    response = administrator.post(f"/admin/content/typedefinition/{definition.pk}/change/", data)

    assert response.status_code == 302, errors_of(response)
    live = [(f.key, f.api_id) for f in entry_type("concert").extra["fields"]]
    assert live == [
        ("f1", "headline"),
        ("f3", "price"),
        ("f4", "day"),
        ("f5", "genre"),
        ("f2", "capacity"),
    ]
    definition.refresh_from_db()
    assert definition.revision == 2


def test_a_bad_definition_is_refused_with_every_problem_on_its_row(administrator):
    rows = [
        {"api_id": "slug", "kind": "text"},
        {"api_id": "name", "kind": "text", "pattern": "[unclosed"},
        {"api_id": "seats", "kind": "integer", "min_length": "3"},
    ]
    response = administrator.post(ADD_TYPE, definition_post(rows, title_api_id="nothing"))

    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert formset.forms[0].errors["api_id"] == ["'slug' is reserved; choose another name."]
    assert (
        formset.forms[1].non_field_errors()[0].startswith("Options: The pattern does not compile")
    )
    assert "integer fields take no option 'min_length'" in formset.forms[2].non_field_errors()[0]
    form = response.context["adminform"].form
    assert form.errors["title_api_id"] == ["No field is called 'nothing'."]
    assert not TypeDefinition.objects.exists()
    assert "is reserved" in response.content.decode()


def test_staff_who_are_not_administrators_may_not_define_types(client):
    client.force_login(UserFactory(role="Editor"))
    assert client.get(ADD_TYPE).status_code == 403
    assert client.post(ADD_TYPE, definition_post(SIX_FIELDS)).status_code == 403
    assert not TypeDefinition.objects.exists()


def test_a_defined_type_has_entry_pages_whose_form_saves_through_the_service(administrator):
    define_concert(administrator)
    changelist = reverse("admin:entries_concert_changelist")
    add = reverse("admin:entries_concert_add")
    assert changelist == "/admin/entries/concert/"
    assert administrator.get(changelist).status_code == 200
    form = administrator.get(add).context["adminform"].form
    assert {"headline", "seats", "price", "day", "genre", "sold_out"} <= set(form.fields)
    assert "title" not in form.fields  # the headline is the title

    entry = {
        "slug": "",
        "headline": "Night",
        "seats": "120",
        "price": "12.5",
        "day": "2027-01-05",
        "genre": "jazz",
        "sold_out": "on",
        "body": "",
        "revision_message": "",
        "_save": "Save",
    }
    missing = administrator.post(add, {**entry, "day": ""})
    assert missing.status_code == 200
    assert missing.context["adminform"].form.errors["day"] == ["This field is required."]
    bad = administrator.post(add, {**entry, "headline": "lowercase"})  # the service refuses
    assert bad.status_code == 200
    assert bad.context["adminform"].form.errors["headline"] == ["Must match the pattern [A-Z].*."]
    assert not Entry.objects.exists()

    created = administrator.post(add, entry)

    assert created.status_code == 302
    saved = Entry.objects.get()
    assert saved.title == "Night"
    assert saved.data == {
        "f1": "Night",
        "f2": 120,
        "f3": "12.50",
        "f4": "2027-01-05",
        "f5": "jazz",
        "f6": True,
    }
    listed = administrator.get(changelist)
    assert "Night" in listed.content.decode()
    change = administrator.get(reverse("admin:entries_concert_change", args=[saved.pk]))
    assert change.status_code == 200
    assert str(change.context["adminform"].form["price"].value()) == "12.50"


def test_every_other_kind_has_an_input_that_saves(administrator):
    define_concert(administrator)
    rows = [
        {"api_id": "title", "kind": "text", "required": "on"},
        {"api_id": "notes", "kind": "long_text"},
        {"api_id": "story", "kind": "rich_text"},
        {"api_id": "doors", "kind": "datetime"},
        {"api_id": "contact", "kind": "email"},
        {"api_id": "site", "kind": "url"},
        {"api_id": "tags", "kind": "choices", "choices": "a\nb"},
        {"api_id": "poster", "kind": "media", "media_kinds": ["image"]},
        {"api_id": "shows", "kind": "reference", "types": "concert", "many": "on"},
    ]
    data = definition_post(rows, name="Tour", api_id="tour", title_api_id="title")
    response = administrator.post(ADD_TYPE, data)
    assert response.status_code == 302, errors_of(response)
    add = reverse("admin:entries_tour_add")
    assert administrator.get(add).status_code == 200
    show = administrator.post(
        reverse("admin:entries_concert_add"),
        {"headline": "Show", "day": "2027-01-05", "_save": "Save"},
    )
    assert show.status_code == 302
    gig_id = Entry.objects.get(title="Show").pk

    # References to one type are chosen in the modal (content.admin.chooser): ids posted.
    refused = administrator.post(add, {"title": "Tour", "shows": ["999999"], "_save": "Save"})
    assert "999999 is not one of the available choices" in str(
        refused.context["adminform"].form.errors["shows"]
    )
    created = administrator.post(
        add,
        {
            "title": "Tour",
            "notes": "Long",
            "story": "<h2>Tonight</h2><p>Doors at <strong>seven</strong>.</p>",
            "doors_0": "2027-01-05",
            "doors_1": "19:30:00",
            "contact": "a@example.com",
            "site": "https://example.com",
            "tags": ["a", "b"],
            "shows": [str(gig_id)],
            "_save": "Save",
        },
    )
    assert created.status_code == 302, errors_of(created)
    tour = Entry.objects.get(title="Tour")
    # Rich text is edited with the body's editor, as HTML, and kept as blocks.
    story = tour.data[_key(tour, "story")]
    assert [block["type"] for block in story] == ["heading", "paragraph"]
    assert "<strong>seven</strong>" in story[1]["value"]["text"]
    assert tour.data["f7"] == ["a", "b"]
    assert tour.data["f9"] == [{"type": "concert", "id": gig_id}]
    change = administrator.get(reverse("admin:entries_tour_change", args=[tour.pk]))
    form = change.context["adminform"].form
    assert form["shows"].value() == [gig_id]
    assert isinstance(form.fields["story"].widget, BodyEditorWidget)
    assert "<strong>seven</strong>" in form["story"].value()  # shown as HTML again


def test_fields_named_like_the_form_builders_arguments_have_pages(administrator):
    """A `name` field (the demo's person has one) is a field like any other: its entry
    pages open, and its value saves."""
    rows = [{"api_id": "name", "kind": "text", "required": "on"}, {"api_id": "bases"}]
    rows[1]["kind"] = "text"
    data = definition_post(rows, name="Person", api_id="human", title_api_id="name")
    assert administrator.post(ADD_TYPE, data).status_code == 302
    add = reverse("admin:entries_human_add")
    assert administrator.get(add).status_code == 200
    saved = administrator.post(add, {"name": "Ada", "bases": "Harbour", "_save": "Save"})
    assert saved.status_code == 302, errors_of(saved)
    ada = Entry.objects.get(title="Ada")
    assert (
        administrator.get(reverse("admin:entries_human_change", args=[ada.pk])).status_code == 200
    )


def _key(entry, api_id: str) -> str:
    return entry.definition.fields.get(api_id=api_id).key


def test_a_runtime_entry_has_no_core_body(administrator):
    define_concert(administrator)
    page = administrator.get(reverse("admin:entries_concert_add"))
    assert "body" not in page.context["adminform"].form.fields  # its rich text is its own


def readonly_values(html: str) -> dict[str, str]:
    """What a read-only change page shows for each type field, by api_id."""
    rows = re.findall(
        r'field-shown__(\w+).*?<div class="readonly[^"]*">(.*?)</div>', html, flags=re.DOTALL
    )
    return {name: value.strip() for name, value in rows}


def test_staff_who_may_only_view_an_entry_see_its_values(administrator):
    """A Reviewer opening an entry sees what it holds (the page is read-only for them),
    not "None" for every field of the type."""
    define_concert(administrator)
    created = administrator.post(
        reverse("admin:entries_concert_add"),
        {
            "headline": "Night",
            "seats": "120",
            "price": "12.5",
            "day": "2027-01-05",
            "genre": "jazz",
            "sold_out": "on",
            "_save": "Save",
        },
    )
    assert created.status_code == 302
    entry = Entry.objects.get(title="Night")
    reviewer = Client()
    reviewer.force_login(UserFactory(role="Reviewer"))

    page = reviewer.get(reverse("admin:entries_concert_change", args=[entry.pk]))

    assert page.status_code == 200
    assert 'name="seats"' not in page.content.decode()  # read-only: no inputs
    shown = readonly_values(page.content.decode())
    assert shown["headline"] == "Night"
    assert shown["seats"] == "120"
    assert shown["price"] == "12.50"
    assert shown["day"] == "Jan. 5, 2027"
    assert shown["genre"] == "jazz"
    assert 'title="True"' in shown["sold_out"]  # the theme's check mark


def test_media_and_one_type_references_are_chosen_in_the_modal(administrator):
    """content.admin.chooser: the inputs post ids; the modal lists what the field takes."""
    from content import services
    from tests.content.factories import make_image, pdf_bytes

    define_concert(administrator)
    rows = [
        {"api_id": "title", "kind": "text", "required": "on"},
        {"api_id": "poster", "kind": "media", "media_kinds": ["image"]},
        {"api_id": "opener", "kind": "reference", "types": "concert"},
    ]
    data = definition_post(rows, name="Tour", api_id="tour", title_api_id="title")
    assert administrator.post(ADD_TYPE, data).status_code == 302
    poster = make_image(title="Poster")
    services.media_upload(
        actor=None, file=SimpleUploadedFile("rider.pdf", pdf_bytes()), data={"title": "Rider"}
    )
    administrator.post(
        reverse("admin:entries_concert_add"),
        {"headline": "Show", "day": "2027-01-05", "_save": "Save"},
    )
    show = Entry.objects.get(title="Show")
    add = reverse("admin:entries_tour_add")

    html = administrator.get(add).content.decode()
    assert 'data-url="/admin/entries/tour/chooser/poster/"' in html
    assert 'data-url="/admin/entries/tour/chooser/opener/"' in html

    def listed(field):
        response = administrator.get(reverse("admin:entries_tour_chooser", args=[field]))
        assert response.status_code == 200, response.content
        return [item["label"] for item in response.json()["results"]]

    assert listed("poster") == ["Poster"]  # images only: the field takes no documents
    assert listed("opener") == ["Show"]
    not_chosen = administrator.get(reverse("admin:entries_tour_chooser", args=["title"]))
    assert not_chosen.status_code == 400

    created = administrator.post(
        add, {"title": "Tour", "poster": str(poster.pk), "opener": str(show.pk), "_save": "Save"}
    )
    assert created.status_code == 302, errors_of(created)
    tour = Entry.objects.get(title="Tour")
    assert tour.data[_key(tour, "poster")] == poster.pk
    assert tour.data[_key(tour, "opener")] == {"type": "concert", "id": show.pk}


def test_a_list_of_references_put_in_another_order_is_saved(administrator):
    define_concert(administrator)
    rows = [
        {"api_id": "title", "kind": "text", "required": "on"},
        {"api_id": "acts", "kind": "reference", "types": "concert", "many": "on"},
    ]
    data = definition_post(rows, name="Tour", api_id="tour", title_api_id="title")
    assert administrator.post(ADD_TYPE, data).status_code == 302
    for headline in ("First", "Second"):
        administrator.post(
            reverse("admin:entries_concert_add"),
            {"headline": headline, "day": "2027-01-05", "_save": "Save"},
        )
    first, second = (Entry.objects.get(title=t).pk for t in ("First", "Second"))
    add = reverse("admin:entries_tour_add")
    created = administrator.post(
        add, {"title": "Tour", "acts": [str(first), str(second)], "_save": "Save"}
    )
    assert created.status_code == 302, errors_of(created)
    tour = Entry.objects.get(title="Tour")
    change = reverse("admin:entries_tour_change", args=[tour.pk])

    saved = administrator.post(
        change,
        {
            "title": "Tour",
            "acts": [str(second), str(first)],
            "base_version": tour.version,
            "_save": "Save",
        },
    )

    assert saved.status_code == 302, errors_of(saved)
    tour = Entry.objects.get(pk=tour.pk)
    assert [ref["id"] for ref in tour.data[_key(tour, "acts")]] == [second, first]
