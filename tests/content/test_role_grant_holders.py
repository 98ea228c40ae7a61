"""The holders of role grants: their admin access (is_staff) while roles are set and
grants withdrawn."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from content.models import RoleGrant
from content.services.grants import role_grant_create, role_grant_delete
from governance.models import AuditEvent
from tests.accounts.factories import PASSWORD, UserFactory
from tests.content.factories import PageFactory, make_category

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator(users):
    return users["Administrator"]


@pytest.fixture
def news(db):
    return make_category("News")


@pytest.fixture
def docs_team(administrator):
    """A team (no role) that writes pages under "Docs": Authors there."""
    team = Group.objects.create(name="Docs team")
    docs = PageFactory(title="Docs")
    role_grant_create(
        actor=administrator,
        data={"group": team, "role": "Author", "page_subtree": docs, "content_types": ["page"]},
    )
    return team


def grant(actor, holder, role="Editor", **scope) -> RoleGrant:
    return role_grant_create(actor=actor, data={"user": holder, "role": role, **scope})


def web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def user_page(user) -> str:
    return reverse("admin:accounts_user_change", args=[user.pk])


# --- Admin access: is_staff ----------------------------------------------------------------


def set_roles(administrator, user, roles):
    client = APIClient()
    client.force_authenticate(administrator)
    response = client.patch(f"/api/v1/users/{user.pk}/", {"roles": roles}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["roles"] == roles
    user.refresh_from_db()
    return user


def can_log_into_the_admin(user) -> bool:
    client = Client()
    client.post("/admin/login/", {"username": user.email, "password": PASSWORD})
    return client.get("/admin/").status_code == 200


def test_taking_every_role_keeps_a_grant_holder_in_the_admin(administrator, news):
    holder = UserFactory(role="Viewer")
    grant(administrator, holder, category=news)
    assert set_roles(administrator, holder, []).is_staff
    assert can_log_into_the_admin(holder)
    event = AuditEvent.objects.filter(action="user.update").latest("pk")
    assert event.changes == {"roles": [["Viewer"], []]}  # is_staff did not change


def test_taking_every_role_keeps_a_member_of_a_granted_group_in_the_admin(administrator, docs_team):
    member = UserFactory(role="Author")
    member.groups.add(docs_team)
    set_roles(administrator, member, [])
    assert member.is_staff
    # The team is no role: setting the roles leaves the user in it.
    assert list(member.groups.values_list("name", flat=True)) == ["Docs team"]
    assert can_log_into_the_admin(member)


def test_taking_every_role_from_anyone_else_takes_the_admin(administrator):
    user = UserFactory(role="Editor")
    assert not set_roles(administrator, user, []).is_staff
    assert not can_log_into_the_admin(user)
    event = AuditEvent.objects.filter(action="user.update").latest("pk")
    assert event.changes == {"roles": [["Editor"], []], "is_staff": [True, False]}


def test_the_user_admin_keeps_a_grant_holder_in_the_admin(administrator, news):
    holder = UserFactory(role="Author", email="holder@example.com")
    grant(administrator, holder, category=news)
    saved = web(administrator).post(
        user_page(holder), {"email": holder.email, "full_name": "H", "is_active": "on"}
    )
    assert saved.status_code == 302, saved.content.decode()[:2000]
    holder.refresh_from_db()
    assert (holder.roles, holder.is_staff) == ([], True)


def test_withdrawing_the_last_grant_of_a_user_without_a_role_takes_the_admin(administrator, news):
    holder = UserFactory()
    first = grant(administrator, holder, "Editor", category=news)
    second = grant(administrator, holder, "Reviewer", content_types=["page"])
    created = AuditEvent.objects.filter(action="role_grant.create").order_by("pk")
    assert [event.changes.get("is_staff") for event in created] == [[False, True], None]

    role_grant_delete(actor=administrator, grant=first)
    holder.refresh_from_db()
    assert holder.is_staff  # the other grant still gives them work there

    role_grant_delete(actor=administrator, grant=second)
    holder.refresh_from_db()
    assert not holder.is_staff
    assert not can_log_into_the_admin(holder)
    withdrawn = AuditEvent.objects.filter(action="role_grant.delete").order_by("pk")
    assert [event.target_id for event in withdrawn] == [str(first.pk), str(second.pk)]
    assert [event.changes.get("is_staff") for event in withdrawn] == [None, [True, False]]


def test_withdrawing_a_grant_leaves_a_role_holder_in_the_admin(administrator, news):
    holder = UserFactory(role="Viewer")
    client = APIClient()
    client.force_authenticate(administrator)
    own = grant(administrator, holder, category=news)
    assert client.delete(f"/api/v1/role-grants/{own.pk}/").status_code == 204
    holder.refresh_from_db()
    assert holder.is_staff
    assert "is_staff" not in AuditEvent.objects.get(action="role_grant.delete").changes
