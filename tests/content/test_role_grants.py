"""Managing role grants: `role-grants/` and the admin, for Administrators only."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.roles import ROLE_NAMES
from content.models import RoleGrant
from governance.models import AuditEvent
from tests.accounts.factories import UserFactory
from tests.assertions import assert_error
from tests.content.factories import PageFactory, make_category

pytestmark = pytest.mark.django_db

URL = "/api/v1/role-grants/"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def admin_api(users) -> APIClient:
    return api(users["Administrator"])


@pytest.fixture
def news(db):
    return make_category("News")


def test_an_administrator_grants_lists_and_withdraws(admin_api, news):
    holder = UserFactory(email="desk@example.com", is_staff=False)
    created = admin_api.post(
        URL, {"user": holder.pk, "role": "Editor", "category": news.pk}, format="json"
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body | {"id": 0, "created_at": ""} == {
        "id": 0,
        "user": holder.pk,
        "group": None,
        "role": "Editor",
        "content_types": [],
        "page_subtree": None,
        "category": news.pk,
        "locale": None,
        "created_by": admin_api.handler._force_user.pk,
        "created_at": "",
    }
    holder.refresh_from_db()
    assert holder.is_staff  # a role works in the admin
    assert AuditEvent.objects.filter(action="role_grant.create").count() == 1

    listed = admin_api.get(URL, {"user": holder.pk}).json()["results"]
    assert [row["id"] for row in listed] == [body["id"]]
    assert admin_api.get(URL, {"role": "Viewer"}).json()["results"] == []

    assert admin_api.delete(f"{URL}{body['id']}/").status_code == 204
    assert not RoleGrant.objects.exists()
    assert AuditEvent.objects.filter(action="role_grant.delete").count() == 1


def test_a_group_grant_and_a_page_subtree(admin_api):
    desk = Group.objects.create(name="Docs team")
    docs = PageFactory(title="Docs")
    created = admin_api.post(
        URL,
        {"group": desk.pk, "role": "Author", "page_subtree": docs.pk, "content_types": ["page"]},
        format="json",
    )
    assert created.status_code == 201, created.content
    grant = RoleGrant.objects.get()
    assert (grant.group_id, grant.scope_page_id, grant.scope_types) == (desk.pk, docs.pk, ["page"])


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"role": "Editor", "category": "NEWS"}, "user"),  # neither a user nor a group
        ({"user": "HOLDER", "group": "GROUP", "role": "Editor", "category": "NEWS"}, "user"),
        ({"user": "HOLDER", "role": "Administrator", "category": "NEWS"}, "role"),
        ({"user": "HOLDER", "role": "Chief", "category": "NEWS"}, "role"),
        ({"user": "HOLDER", "role": "Editor"}, "content_types"),  # no limit at all
        ({"user": "HOLDER", "role": "Editor", "content_types": ["gadget"]}, "content_types"),
        ({"user": "HOLDER", "role": "Editor", "category": 999999}, "category"),
        (
            {"user": "HOLDER", "role": "Editor", "category": "NEWS", "page_subtree": "PAGE"},
            "category",
        ),
        (
            {"user": "HOLDER", "role": "Editor", "content_types": ["page"], "category": "NEWS"},
            "category",
        ),
        ({"user": "HOLDER", "role": "Editor", "category": "NEWS", "colour": "red"}, "colour"),
    ],
)
def test_bad_grants_are_400s(admin_api, news, body, field):
    holder, group, page = UserFactory(), Group.objects.create(name="G"), PageFactory()
    names = {"HOLDER": holder.pk, "GROUP": group.pk, "NEWS": news.pk, "PAGE": page.pk}
    data = {
        key: names.get(value, value) if isinstance(value, str) else value
        for key, value in body.items()
    }
    error = assert_error(admin_api.post(URL, data, format="json"), 400)
    assert field in error["details"], error
    assert not RoleGrant.objects.exists()


@pytest.mark.parametrize("role", [r for r in ROLE_NAMES if r != "Administrator"])
def test_only_administrators_manage_grants(client_for, users, news, role):
    grant = RoleGrant.objects.create(user=users["Viewer"], role="Editor", scope_category=news)
    client = client_for(role)
    assert_error(client.get(URL), 403)
    assert_error(client.get(f"{URL}{grant.pk}/"), 403)
    body = {"user": users[role].pk, "role": "Editor", "category": news.pk}
    assert_error(client.post(URL, body, format="json"), 403)
    assert_error(client.delete(f"{URL}{grant.pk}/"), 403)
    assert_error(client_for("anonymous").get(URL), 401)
    assert RoleGrant.objects.count() == 1


def test_the_schema_documents_role_grants(admin_api):
    schema = admin_api.get("/api/schema/?format=json").json()
    assert {"get", "post"} <= set(schema["paths"]["/api/v1/role-grants/"])
    assert "delete" in schema["paths"]["/api/v1/role-grants/{id}/"]
    write = schema["components"]["schemas"]["RoleGrantWriteRequest"]["properties"]
    assert {"user", "group", "role", "content_types", "page_subtree", "category", "locale"} <= set(
        write
    )


# --- The admin -----------------------------------------------------------------------------


def test_the_admin_grants_and_refuses_bad_input(client, users, news):
    holder = UserFactory(email="desk@example.com")
    client.force_login(users["Administrator"])
    add = reverse("admin:content_rolegrant_add")
    assert client.get(add).status_code == 200
    refused = client.post(add, {"user": holder.pk, "role": "Editor"})
    assert refused.status_code == 200  # the form again, with the service's reason
    assert "Limit the grant" in refused.content.decode()
    both = client.post(add, {"role": "Editor", "category": news.pk})
    assert "Give either a user or a group" in both.content.decode()
    assert not RoleGrant.objects.exists()

    saved = client.post(add, {"user": holder.pk, "role": "Editor", "category": news.pk})
    assert saved.status_code == 302, saved.content.decode()[:2000]
    grant = RoleGrant.objects.get()
    assert grant.created_by == users["Administrator"]
    changelist = client.get(reverse("admin:content_rolegrant_changelist")).content.decode()
    assert "Category News and below" in changelist
    delete = reverse("admin:content_rolegrant_delete", args=[grant.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not RoleGrant.objects.exists()
    assert AuditEvent.objects.filter(action__startswith="role_grant.").count() == 2


@pytest.mark.parametrize("role", [r for r in ROLE_NAMES if r != "Administrator"])
def test_the_grant_admin_is_for_administrators(client, users, role):
    client.force_login(users[role])
    assert client.get(reverse("admin:content_rolegrant_changelist")).status_code == 403
    assert client.get(reverse("admin:content_rolegrant_add")).status_code == 403
