"""The role matrix grants the publishable actions on every type registered with it, so a
new type's app needs no edit to accounts (which knows no content)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType

from accounts import roles, services
from accounts.roles import ADMINISTRATOR, AUTHOR, EDITOR, REVIEWER, VIEWER

pytestmark = pytest.mark.django_db

ACTIONS = ("view", "add", "change", "delete", "publish", "lock")


@pytest.fixture
def gadget(monkeypatch):
    """A publishable model `lab.gadget` with its permissions, registered with the roles."""
    content_type = ContentType.objects.create(app_label="lab", model="gadget")
    for action in ACTIONS:
        Permission.objects.create(
            content_type=content_type, codename=f"{action}_gadget", name=f"Can {action} gadget"
        )
    monkeypatch.setattr(roles, "_publishable", dict(roles._publishable))
    roles.register_publishable("lab", "gadget")
    return content_type


def _granted(role: str) -> set[str]:
    return {
        f"lab.{p.codename}"
        for p in Group.objects.get(name=role).permissions.filter(content_type__app_label="lab")
    }


def test_roles_sync_grants_a_registered_type_its_publishable_actions(gadget):
    services.roles_sync()
    assert _granted(EDITOR) == {f"lab.{action}_gadget" for action in ACTIONS}
    assert _granted(AUTHOR) == {f"lab.{a}_gadget" for a in ("view", "add", "change", "delete")}
    assert _granted(REVIEWER) == _granted(VIEWER) == {"lab.view_gadget"}
    assert _granted(ADMINISTRATOR) == {f"lab.{action}_gadget" for action in ACTIONS}


def test_an_unregistered_model_gets_nothing_but_the_administrators(gadget, monkeypatch):
    monkeypatch.setattr(roles, "_publishable", {})
    services.roles_sync()
    assert _granted(EDITOR) == _granted(AUTHOR) == _granted(VIEWER) == set()
    assert _granted(ADMINISTRATOR) == {f"lab.{action}_gadget" for action in ACTIONS}


def test_content_registers_its_builtin_types_with_the_roles():
    editor = roles.role_permissions(EDITOR)
    author = roles.role_permissions(AUTHOR)
    for model in ("article", "page"):
        assert f"content.publish_{model}" in editor
        assert f"content.lock_{model}" in editor
        assert f"content.change_{model}" in author
        assert f"content.publish_{model}" not in author
        assert f"content.lock_{model}" not in author
