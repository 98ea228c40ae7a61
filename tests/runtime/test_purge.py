"""Removed fields: restoring one brings its values back; purging one (Administrators, a
removed field only) deletes its values from every entry, audited, and keeps revisions."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import User
from content.models import Entry, FieldDefinition, Revision, TypeDefinition, TypeRevision
from content.runtime.definitions import describe, type_update
from governance.audit.models import AuditEvent
from tests.assertions import assert_error

pytestmark = pytest.mark.django_db

URL = "/api/v1/content-types/concert/"
GIG = {"title": "Show", "venue": "Hall A", "starts_at": "2027-01-05T20:00:00Z"}


@pytest.fixture
def show(types, client_for) -> dict:
    response = client_for("Editor").post("/api/v1/entries/concert/", GIG, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def _admin() -> User:
    return User.objects.get(email="administrator@example.com")


def _venue() -> FieldDefinition:
    return FieldDefinition.objects.get(definition__api_id="concert", api_id="venue")


def _remove_venue() -> None:
    concert = TypeDefinition.objects.get(api_id="concert")
    fields = [f for f in describe(concert)["fields"] if f["api_id"] != "venue"]
    type_update(actor=_admin(), definition=concert, data={"fields": fields})


def _read(client_for, show) -> dict:
    return client_for("Viewer").get(f"/api/v1/entries/concert/{show['id']}/").json()


def test_purge_deletes_a_removed_fields_values_audited_and_keeps_revisions(show, client_for):
    key = _venue().key
    _remove_venue()
    assert "venue" not in _read(client_for, show)
    assert Entry.objects.get(pk=show["id"]).data[key] == "Hall A"  # hidden, kept
    revision = TypeDefinition.objects.get(api_id="concert").revision

    response = client_for("Administrator").post(f"{URL}purge-field/", {"key": key}, format="json")

    assert response.status_code == 200, response.content
    assert response.json() == {"key": key, "entries": 1}
    assert key not in Entry.objects.get(pk=show["id"]).data
    assert not FieldDefinition.objects.filter(definition__api_id="concert", key=key).exists()
    concert = TypeDefinition.objects.get(api_id="concert")
    assert concert.revision == revision + 1
    last = TypeRevision.objects.get(definition=concert, number=concert.revision)
    assert last.message == "purge_field"
    assert key not in {f["key"] for f in last.snapshot["fields"]}
    event = AuditEvent.objects.filter(action="content_type.purge_field").get()
    assert event.changes == {"venue": ["purged", key, 1]}
    # Revisions are history: the entry's first revision still holds the value.
    first = Revision.objects.filter(object_id=show["id"]).order_by("number").first()
    assert first.snapshot["data"][key] == "Hall A"


def test_a_live_field_is_not_purged(show, client_for):
    response = client_for("Administrator").post(
        f"{URL}purge-field/", {"key": _venue().key}, format="json"
    )
    error = assert_error(response, 400, "validation_error")
    assert "live field" in error["details"]["key"][0]
    assert Entry.objects.get(pk=show["id"]).data[_venue().key] == "Hall A"
    unknown = client_for("Administrator").post(f"{URL}purge-field/", {"key": "f99"}, format="json")
    assert "no field with key" in assert_error(unknown, 400)["details"]["key"][0]


@pytest.mark.parametrize("role", ["Editor", "Author", "Reviewer", "Viewer"])
def test_only_administrators_purge(show, client_for, role):
    key = _venue().key
    _remove_venue()
    assert_error(client_for(role).post(f"{URL}purge-field/", {"key": key}, format="json"), 403)
    assert Entry.objects.get(pk=show["id"]).data[key] == "Hall A"


# --- The admin ------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, users):
    client.force_login(users["Administrator"])
    return client


def _change_url() -> str:
    concert = TypeDefinition.objects.get(api_id="concert")
    return reverse("admin:content_typedefinition_change", args=[concert.pk])


def test_the_admin_lists_removed_fields_and_restores_one_with_its_values(
    show, admin_client, client_for
):
    key = _venue().key
    _remove_venue()
    page = admin_client.get(_change_url()).content.decode()
    assert "Removed fields" in page
    restore = reverse(
        "admin:content_typedefinition_restore_field",
        args=[TypeDefinition.objects.get(api_id="concert").pk, key],
    )
    assert restore in page

    response = admin_client.post(restore)

    assert response.status_code == 302
    assert _venue().removed_at is None
    assert _read(client_for, show)["venue"] == "Hall A"
    assert "Removed fields" not in admin_client.get(_change_url()).content.decode()


def test_the_admin_purges_after_asking(show, admin_client):
    key = _venue().key
    _remove_venue()
    purge = reverse(
        "admin:content_typedefinition_purge_field",
        args=[TypeDefinition.objects.get(api_id="concert").pk, key],
    )
    confirm = admin_client.get(purge)
    assert confirm.status_code == 200
    assert "can&#x27;t be undone" in confirm.content.decode()
    assert key in Entry.objects.get(pk=show["id"]).data  # asking deletes nothing

    response = admin_client.post(purge)

    assert response.status_code == 302
    assert key not in Entry.objects.get(pk=show["id"]).data
    assert AuditEvent.objects.filter(action="content_type.purge_field").exists()


def test_the_admin_refuses_to_purge_a_live_field(show, admin_client):
    purge = reverse(
        "admin:content_typedefinition_purge_field",
        args=[TypeDefinition.objects.get(api_id="concert").pk, _venue().key],
    )
    response = admin_client.post(purge, follow=True)
    assert "Not purged" in response.content.decode()
    assert Entry.objects.get(pk=show["id"]).data[_venue().key] == "Hall A"
