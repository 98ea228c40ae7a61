"""The holders of role grants: their grants on the user's and group's admin pages, and
their admin access (is_staff) while roles are set and grants withdrawn."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Group, Permission
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


class _PanelReader(HTMLParser):
    """The role grants panel as a reader sees it: each grant's row (text and links by
    their text) and the panel's own links."""

    def __init__(self):
        super().__init__()
        self.found = False
        self.depth = 0  # fieldsets open inside the panel
        self.rows: dict[int, dict] = {}
        self.links: dict[str, str] = {}
        self.text: list[str] = []
        self._row = None
        self._href = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "fieldset" and (self.depth or attrs.get("id") == "role-grants"):
            self.found = True
            self.depth += 1
        if not self.depth:
            return
        if tag == "tr" and "data-grant" in attrs:
            self._row = {"text": "", "links": {}}
            self.rows[int(attrs["data-grant"])] = self._row
        if tag == "a":
            self._href, self._link_text = attrs["href"], ""

    def handle_endtag(self, tag):
        if not self.depth:
            return
        if tag == "fieldset":
            self.depth -= 1
        elif tag == "tr":
            self._row = None
        elif tag == "a" and self._href is not None:
            target = self._row["links"] if self._row is not None else self.links
            target[self._link_text.strip()] = self._href
            self._href = None

    def handle_data(self, data):
        if not self.depth:
            return
        self.text.append(data)
        if self._row is not None:
            self._row["text"] += data
        if self._href is not None:
            self._link_text += data


def grants_panel(response) -> _PanelReader | None:
    assert response.status_code == 200, response.status_code
    reader = _PanelReader()
    reader.feed(response.content.decode())
    if not reader.found:
        return None
    for row in reader.rows.values():
        row["text"] = " ".join(row["text"].split())
    return reader


def user_page(user) -> str:
    return reverse("admin:accounts_user_change", args=[user.pk])


# --- The user's and group's admin pages ----------------------------------------------------


def test_the_user_page_lists_the_users_grants(administrator, news, docs_team):
    holder = UserFactory(email="sam@example.com")
    holder.groups.add(docs_team)
    own = grant(administrator, holder, "Editor", category=news)
    through_team = RoleGrant.objects.get(group=docs_team)
    client = web(administrator)

    panel = grants_panel(client.get(user_page(holder)))
    assert set(panel.rows) == {own.pk, through_team.pk}
    mine = panel.rows[own.pk]
    assert mine["text"].startswith("Editor Category News and below administrator@example.com")
    assert mine["links"] == {
        "View grant": reverse("admin:content_rolegrant_change", args=[own.pk]),
        "Withdraw": reverse("admin:content_rolegrant_delete", args=[own.pk]),
    }
    # The team's grant is the team's: withdrawn on the group's page, not the user's.
    team = panel.rows[through_team.pk]
    assert team["text"].startswith("Author (through the group Docs team) Pages under Docs (page)")
    assert team["links"] == {
        "Docs team": reverse("admin:auth_group_change", args=[docs_team.pk]),
        "View grant": reverse("admin:content_rolegrant_change", args=[through_team.pk]),
    }
    add = panel.links["Add a grant for this user"]
    assert add == f"{reverse('admin:content_rolegrant_add')}?user={holder.pk}"

    # Each link leads somewhere that works; the add form comes with the user chosen.
    assert client.get(mine["links"]["View grant"]).status_code == 200
    assert client.get(mine["links"]["Withdraw"]).status_code == 200
    form = client.get(add)
    assert form.context["adminform"].form.initial["user"] == str(holder.pk)
    # Chosen in the modal (content.admin.chooser): the hidden select holds the holder.
    chosen = f'<option value="{holder.pk}" selected data-detail="sam@example.com"'
    assert chosen in form.content.decode()


def test_a_user_without_grants_is_told_so(administrator):
    panel = grants_panel(web(administrator).get(user_page(UserFactory(role="Editor"))))
    assert panel.rows == {}
    assert "This user holds no role within a section." in " ".join(panel.text)
    assert "Add a grant for this user" in panel.links


def test_the_group_page_lists_the_groups_grants(administrator, docs_team):
    held = RoleGrant.objects.get(group=docs_team)
    client = web(administrator)
    panel = grants_panel(client.get(reverse("admin:auth_group_change", args=[docs_team.pk])))
    assert list(panel.rows) == [held.pk]
    assert panel.rows[held.pk]["links"] == {
        "View grant": reverse("admin:content_rolegrant_change", args=[held.pk]),
        "Withdraw": reverse("admin:content_rolegrant_delete", args=[held.pk]),
    }
    add = panel.links["Add a grant for this group"]
    assert add == f"{reverse('admin:content_rolegrant_add')}?group={docs_team.pk}"
    editors = reverse("admin:auth_group_change", args=[Group.objects.get(name="Editor").pk])
    assert grants_panel(client.get(editors)).rows == {}


def test_staff_who_only_view_grants_get_no_links_to_change_them(users, administrator, news):
    holder = UserFactory()
    own = grant(administrator, holder, "Reviewer", category=news)
    # A Viewer also allowed to look at users and grants (not in any role: given directly).
    auditor = users["Viewer"]
    auditor.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_user", "view_rolegrant"])
    )
    client = web(auditor)
    panel = grants_panel(client.get(user_page(holder)))
    assert panel.rows[own.pk]["text"].startswith("Reviewer Category News and below")
    assert panel.rows[own.pk]["links"] == {
        "View grant": reverse("admin:content_rolegrant_change", args=[own.pk]),
    }
    assert panel.links == {}
    assert client.get(reverse("admin:content_rolegrant_add")).status_code == 403
    assert client.post(reverse("admin:content_rolegrant_delete", args=[own.pk])).status_code == 403
    assert RoleGrant.objects.filter(pk=own.pk).exists()


def test_staff_who_may_not_view_grants_see_no_panel(users, administrator, news):
    holder = UserFactory()
    grant(administrator, holder, category=news)
    viewer = users["Viewer"]
    viewer.user_permissions.add(Permission.objects.get(codename="view_user"))
    assert grants_panel(web(viewer).get(user_page(holder))) is None


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
