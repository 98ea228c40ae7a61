"""A runtime type's plural name: given by its Administrator, or made from its name, and
shown where entries are counted or listed (the admin's lists, the governance dashboard)."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.test import Client

from accounts.models import User
from content.models import TypeDefinition
from content.runtime.plurals import english_plural
from content.types import entry_type
from tests.assertions import assert_error
from tests.runtime.conftest import CONCERT, PERSON

URL = "/api/v1/content-types/"


@pytest.mark.parametrize(
    ("name", "plural"),
    [
        ("Ferry", "Ferries"),
        ("Gig", "Gigs"),
        ("Day", "Days"),
        ("Bus", "Buses"),
        ("Box", "Boxes"),
        ("Match", "Matches"),
        ("Wish", "Wishes"),
        ("Press release", "Press releases"),
        ("Local charity", "Local charities"),
        ("FAQ", "FAQs"),
        ("CITY", "CITIES"),
        ("Gig 2", "Gig 2"),  # no word to make plural: left as it is
    ],
)
def test_a_plural_is_made_from_the_last_word(name, plural):
    assert english_plural(name) == plural


@pytest.mark.django_db
def test_a_type_without_a_plural_gets_one_made_from_its_name(client_for):
    admin = client_for("Administrator")
    admin.post(URL, PERSON, format="json")  # the concert's headliner is one
    response = admin.post(URL, {**CONCERT, "name": "Ferry"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["name_plural"] == "Ferries"
    assert entry_type("concert").model._meta.verbose_name_plural == "Ferries"

    # Renamed, the made plural follows the name.
    renamed = admin.patch(f"{URL}concert/", {"name": "Gig", "revision": 1}, format="json")
    assert renamed.status_code == 200, renamed.content
    assert renamed.json()["name_plural"] == "Gigs"
    revisions = admin.get(f"{URL}concert/revisions/").json()["results"]
    assert revisions[0]["snapshot"]["name_plural"] == "Gigs"


@pytest.mark.django_db
def test_a_given_plural_is_kept_and_stays_through_a_rename(client_for):
    admin = client_for("Administrator")
    response = admin.post(URL, {**PERSON, "name_plural": "People"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["name_plural"] == "People"
    assert entry_type("person").model._meta.verbose_name_plural == "People"

    renamed = admin.patch(f"{URL}person/", {"name": "Human", "revision": 1}, format="json")
    assert renamed.json()["name_plural"] == "People"
    # Emptied, it is made from the name again.
    emptied = admin.patch(f"{URL}person/", {"name_plural": "", "revision": 2}, format="json")
    assert emptied.json()["name_plural"] == "Humans"


@pytest.mark.django_db
def test_built_in_types_give_their_plural(client_for):
    article = client_for("Viewer").get(f"{URL}article/").json()
    assert article["name_plural"] == "Articles"


@pytest.mark.django_db
@pytest.mark.parametrize("plural", [7, ["People"], "P" * 101])
def test_a_bad_plural_is_a_400(client_for, plural):
    response = client_for("Administrator").post(
        URL, {**PERSON, "name_plural": plural}, format="json"
    )
    assert "name_plural" in assert_error(response, 400, "validation_error")["details"]
    assert client_for("Administrator").get(f"{URL}person/").status_code == 404


@pytest.mark.django_db
def test_the_governance_dashboard_counts_each_type_under_its_plural(client_for, users):
    admin = client_for("Administrator")
    admin.post(URL, {**PERSON, "name_plural": "People"}, format="json")
    assert admin.post(URL, {**CONCERT, "name": "Ferry"}, format="json").status_code == 201
    browser = Client()
    browser.force_login(User.objects.get(pk=users["Administrator"].pk))
    html = browser.get("/admin/governance/dashboard/").content.decode()
    table = html[html.index('id="dashboard-status"') : html.index('id="dashboard-activity"')]
    for plural in ("Articles", "Pages", "Ferries", "People"):
        assert f'<th scope="row">{plural}</th>' in table
    assert "Ferrys" not in table
    assert "Persons" not in table


@pytest.mark.django_db
def test_the_migration_gives_existing_types_the_plural_of_their_name():
    from django.apps import apps

    migration = import_module("content.migrations.0018_typedefinition_name_plural")
    ferry = TypeDefinition.objects.create(api_id="ferry", name="Ferry")  # as before: no plural
    people = TypeDefinition.objects.create(api_id="person", name="Person", name_plural="People")
    migration.fill_plurals(apps, None)
    ferry.refresh_from_db()
    people.refresh_from_db()
    assert ferry.name_plural == "Ferries"
    assert people.name_plural == "People"  # one already given is kept
