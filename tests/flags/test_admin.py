"""Flags, switches and samples in the admin: Administrators only, in Settings; every save,
delete and action audited through flags.services."""

from __future__ import annotations

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group
from django.urls import reverse
from waffle.models import Flag, Sample, Switch

from flags.capabilities import RELEASES, capability_on
from flags.selectors import flag_is_public
from governance.models import AuditEvent
from tests.core.test_admin_theme import sidebar

pytestmark = pytest.mark.django_db
PAGES = ("waffle_flag", "waffle_switch", "waffle_sample")


def url(page: str, name: str, *args) -> str:
    return reverse(f"admin:{page}_{name}", args=args)


def messages_of(response) -> list[str]:
    from django.contrib.messages import get_messages

    return [str(m) for m in get_messages(response.wsgi_request)]


def test_administrators_find_them_in_settings(client, administrator):
    assert {"Flags", "Switches", "Samples"} <= set(sidebar(administrator)["Settings"])
    client.force_login(administrator)
    for page in PAGES:
        assert client.get(url(page, "changelist")).status_code == 200, page
        assert client.get(url(page, "add")).status_code == 200, page


def test_editors_cannot_see_or_change_them(client, editor):
    assert not {"Flags", "Switches", "Samples"} & set(sidebar(editor).get("Settings", []))
    client.force_login(editor)
    switch = Switch.objects.get(name=RELEASES.switch)
    for page in PAGES:
        assert client.get(url(page, "changelist")).status_code == 403, page
    response = client.post(
        url("waffle_switch", "changelist"),
        {"action": "turn_off", ACTION_CHECKBOX_NAME: [switch.pk]},
    )
    assert response.status_code == 403
    assert capability_on(RELEASES)


def test_adding_a_flag_in_the_admin_is_audited(client, administrator):
    client.force_login(administrator)
    response = client.post(
        url("waffle_flag", "add"),
        {
            "name": "checkout_v2",
            "public": "on",
            "note": "The new checkout",
            "everyone": "unknown",
            "percent": "20",
            "languages": "",
            "groups": [Group.objects.get(name="Editor").pk],
            "superusers": "on",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    flag = Flag.objects.get(name="checkout_v2")
    assert (flag_is_public(flag), str(flag.percent), flag.everyone) == (True, "20.0", None)
    assert [g.name for g in flag.groups.all()] == ["Editor"]
    event = AuditEvent.objects.get(action="flag.create")
    assert (event.actor, event.target_repr) == (administrator, "checkout_v2")
    assert event.changes["groups"] == ["Editor"]


def test_a_refused_save_is_shown_on_the_form(client, administrator):
    client.force_login(administrator)
    response = client.post(url("waffle_sample", "add"), {"name": "s", "percent": "101"})
    assert response.status_code == 200
    assert "percent" in response.context["adminform"].form.errors
    assert not Sample.objects.exists()


def test_turning_a_capability_off_from_the_changelist(
    client, administrator, django_capture_on_commit_callbacks
):
    client.force_login(administrator)
    switch = Switch.objects.get(name=RELEASES.switch)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("waffle_switch", "changelist"),
            {"action": "turn_off", ACTION_CHECKBOX_NAME: [switch.pk]},
            follow=True,
        )
    assert "Turned off: 1." in messages_of(response)
    assert not capability_on(RELEASES)
    event = AuditEvent.objects.get(action="switch.update")
    assert (event.actor, event.changes) == (administrator, {"active": [True, False]})


def test_folios_switches_cannot_be_deleted(client, administrator):
    client.force_login(administrator)
    switch = Switch.objects.get(name=RELEASES.switch)
    assert client.get(url("waffle_switch", "delete", switch.pk)).status_code == 403
    response = client.post(
        url("waffle_switch", "changelist"),
        {"action": "delete_selected", ACTION_CHECKBOX_NAME: [switch.pk], "post": "yes"},
    )
    assert response.status_code == 403  # Django's bulk delete asks each row's permission
    assert Switch.objects.filter(pk=switch.pk).exists()
    assert not AuditEvent.objects.filter(action="switch.delete").exists()


def test_deleting_flags_in_bulk_is_audited_per_flag(client, administrator, make_flag):
    flags = [make_flag(name) for name in ("a", "b")]
    client.force_login(administrator)
    client.post(
        url("waffle_flag", "changelist"),
        {"action": "delete_selected", ACTION_CHECKBOX_NAME: [f.pk for f in flags], "post": "yes"},
    )
    assert not Flag.objects.exists()
    assert sorted(e.target_repr for e in AuditEvent.objects.filter(action="flag.delete")) == [
        "a",
        "b",
    ]
