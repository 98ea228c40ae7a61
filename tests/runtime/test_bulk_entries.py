"""Bulk work on the entries of a type defined as data: the same bulk actions and jobs as
articles, on the type's own changelist (/admin/entries/<type>/)."""

from __future__ import annotations

import pytest
from django.test import Client

from content.models import Status
from content.types import entry_type
from tests.content.bulk_helpers import bulk_post, changelist, last_job

pytestmark = pytest.mark.django_db


def test_bulk_publish_and_owner_on_a_runtime_types_list(
    types, client_for, users, django_capture_on_commit_callbacks
):
    made = [
        client_for("Editor").post("/api/v1/entries/person/", {"name": name}, format="json")
        for name in ("Ada", "Grace")
    ]
    assert all(r.status_code == 201 for r in made)
    model = entry_type("person").model
    client = Client()
    client.force_login(users["Editor"])
    actions = dict(client.get(changelist(model)).context["action_form"].fields["action"].choices)
    assert {"bulk_publish", "bulk_owner", "bulk_trash"} <= set(actions)
    assert "bulk_category" not in actions  # the type has no category

    capture = django_capture_on_commit_callbacks
    page = bulk_post(client, model, "publish", capture=capture)  # all matching
    job = last_job()
    assert (job.entry_type, job.total, job.refused) == ("person", 2, 0)
    assert page.status_code == 200
    assert set(model.objects.values_list("status", flat=True)) == {Status.PUBLISHED}

    ids = [r.json()["id"] for r in made]
    bulk_post(client, model, "owner", ids=ids, capture=capture, owner=users["Author"].pk)
    assert set(model.objects.values_list("owner", flat=True)) == {users["Author"].pk}
