"""entries/<api_id>/{id}/lock/ and unlock/: a runtime type's entries lock as articles do,
with the lock permission every type gets (Editors and Administrators)."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission

from content.runtime.apps import _load_after_migrate
from tests.assertions import assert_error
from tests.runtime.test_api_entries import GIG

pytestmark = pytest.mark.django_db

URL = "/api/v1/entries/concert/"


def test_a_runtime_types_entries_lock_and_refuse_others_with_423(types, client_for, users):
    assert Group.objects.get(name="Editor").permissions.filter(codename="lock_concert").exists()
    created = client_for("Author").post(URL, GIG, format="json").json()
    item = f"{URL}{created['id']}/"

    assert_error(client_for("Author").post(f"{item}lock/"), 403)
    locked = client_for("Editor").post(f"{item}lock/")
    assert locked.status_code == 200, locked.content
    assert locked.json()["lock"]["locked_by"] == users["Editor"].pk

    patch = client_for("Author").patch(
        item, {"venue": "Hall B"}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert_error(patch, 423, "locked")
    assert_error(client_for("Administrator").post(f"{item}publish/"), 423, "locked")
    assert client_for("Viewer").get(item).json()["venue"] == "Hall A"

    assert client_for("Editor").post(f"{item}unlock/").json()["lock"] is None
    patch = client_for("Author").patch(
        item, {"venue": "Hall B"}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert patch.status_code == 200, patch.content


def test_types_defined_before_the_lock_permission_get_it_at_the_next_migrate(types):
    Permission.objects.filter(codename="lock_concert").delete()  # as before `lock` existed
    assert not Group.objects.get(name="Editor").permissions.filter(codename="lock_concert")
    _load_after_migrate(sender=apps.get_app_config("content"))
    assert Group.objects.get(name="Editor").permissions.filter(codename="lock_concert").exists()
    assert not Group.objects.get(name="Author").permissions.filter(codename="lock_concert")
