"""flags.services: the one write path for flags, switches and samples; each write is one
audit row, and only Administrators may make it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from waffle import flag_is_active, switch_is_active
from waffle.models import Flag, Sample, Switch

from flags import services
from flags.audience import bucket
from flags.capabilities import CAPABILITIES, REALTIME, RELEASES, SWITCH_NAMES, capability_on
from flags.selectors import flag_is_active as folio_flag_is_active
from flags.selectors import flag_is_public
from governance.models import AuditEvent
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def audit(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def test_the_data_migration_made_folios_switches_on():
    switches = Switch.objects.filter(name__in=SWITCH_NAMES)
    assert sorted(s.name for s in switches if s.active) == sorted(SWITCH_NAMES)
    assert all(capability_on(c) for c in CAPABILITIES)


def test_a_missing_capability_switch_counts_as_on(committed):
    committed(lambda: Switch.objects.filter(name=RELEASES.switch).delete())
    assert capability_on(RELEASES)


def test_create_update_and_delete_a_flag_are_each_audited(administrator, editor, committed):
    from django.contrib.auth.models import Group

    editors = Group.objects.get(name="Editor")
    flag = committed(
        services.toggle_create,
        actor=administrator,
        model=Flag,
        data={"name": " beta ", "percent": 20, "public": True},
        groups=[editors],
    )
    assert (flag.name, flag.percent, flag_is_public(flag)) == ("beta", Decimal("20"), True)
    [created] = audit("flag.create")
    assert created.actor == administrator
    assert (created.target_type, created.target_repr) == ("waffle.flag", "beta")
    assert created.changes["percent"] == "20"
    assert created.changes["groups"] == ["Editor"]

    committed(
        services.toggle_update,
        actor=administrator,
        toggle=flag,
        data={"everyone": True, "percent": 20},
        groups=[],
    )
    [updated] = audit("flag.update")
    assert updated.changes == {"everyone": [None, True], "groups": [["Editor"], []]}

    committed(services.toggle_update, actor=administrator, toggle=flag, data={"everyone": True})
    assert len(audit("flag.update")) == 1  # nothing changed, nothing recorded

    committed(services.toggle_delete, actor=administrator, toggle=flag)
    [deleted] = audit("flag.delete")
    assert deleted.changes["name"] == "beta"
    assert not Flag.objects.filter(name="beta").exists()


def test_switches_and_samples_are_audited_and_read_by_waffle(administrator, committed):
    committed(
        services.toggle_create,
        actor=administrator,
        model=Switch,
        data={"name": "maintenance", "active": False},
    )
    assert not switch_is_active("maintenance")
    committed(services.switch_set, actor=administrator, name="maintenance", active=True)
    assert switch_is_active("maintenance")  # waffle's cache was emptied on commit
    committed(
        services.toggle_create,
        actor=administrator,
        model=Sample,
        data={"name": "log_some", "percent": "12.5"},
    )
    assert [e.action for e in AuditEvent.objects.order_by("id")][-3:] == [
        "switch.create",
        "switch.update",
        "sample.create",
    ]


def test_a_flag_in_code_answers_as_the_admin_set_it(rf, make_flag, committed):
    flag = make_flag("new_editor", public=False, everyone=False)
    request = rf.get("/")
    request.user = AnonymousUser()
    assert not flag_is_active(request, "new_editor")  # waffle's own reading
    assert not folio_flag_is_active(request, "new_editor")
    committed(services.toggle_update, actor=None, toggle=flag, data={"everyone": True})
    assert flag_is_active(request, "new_editor")
    assert folio_flag_is_active(request, "new_editor")
    assert not folio_flag_is_active(request, "no_such_flag")


def test_in_code_a_percentage_is_decided_on_the_user(rf, make_flag):
    make_flag("new_editor", percent=50)
    people = [UserFactory() for _ in range(20)]
    answers = []
    for person in people:
        request = rf.get("/")
        request.user = person
        answer = folio_flag_is_active(request, "new_editor")
        assert answer == folio_flag_is_active(request, "new_editor")
        assert answer == (bucket("new_editor", f"user:{person.pk}") < 50)
        answers.append(answer)
    assert any(answers)
    assert not all(answers)


def test_editors_may_not_touch_toggles(editor):
    with pytest.raises(PermissionDenied):
        services.toggle_create(actor=editor, model=Flag, data={"name": "x"})
    with pytest.raises(PermissionDenied):
        services.switch_set(actor=editor, name=RELEASES.switch, active=False)
    assert capability_on(RELEASES)
    assert not AuditEvent.objects.filter(action__startswith="flag.").exists()


def test_folios_switches_keep_their_names_and_cannot_be_deleted(administrator):
    switch = Switch.objects.get(name=REALTIME.switch)
    with pytest.raises(ValidationError, match="turn it off instead"):
        services.toggle_delete(actor=administrator, toggle=switch)
    with pytest.raises(ValidationError, match="keep it"):
        services.toggle_update(actor=administrator, toggle=switch, data={"name": "rt"})
    assert Switch.objects.filter(name=REALTIME.switch).exists()


@pytest.mark.parametrize(
    ("model", "data", "field"),
    [
        (Flag, {"name": "a", "percent": 100}, "percent"),  # everyone=True is a flag's 100%
        (Flag, {"name": "a", "percent": -1}, "percent"),
        (Flag, {"name": "a", "percent": "lots"}, "percent"),
        (Flag, {"name": "a", "percent": "12.25"}, "percent"),  # one decimal
        (Sample, {"name": "a", "percent": 101}, "percent"),
        (Flag, {"name": "  "}, "name"),
        (Flag, {"name": "a", "colour": "red"}, "colour"),
    ],
)
def test_bad_settings_are_refused_by_field(administrator, model, data, field):
    with pytest.raises(ValidationError) as refused:
        services.toggle_create(actor=administrator, model=model, data=data)
    assert field in refused.value.message_dict


def test_a_taken_name_is_refused(administrator, make_flag):
    make_flag("beta")
    with pytest.raises(ValidationError) as refused:
        services.toggle_create(actor=administrator, model=Flag, data={"name": "beta"})
    assert "name" in refused.value.message_dict
