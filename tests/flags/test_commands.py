"""waffle's commands, as Folio ships them: the same options, written through flags.services
and audited (as the system), refusals as exit code 1."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command, get_commands
from waffle.models import Flag, Sample, Switch

from flags.capabilities import RELEASES, capability_on
from flags.selectors import flag_is_public
from governance.models import AuditEvent

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def actions() -> list[str]:
    return list(AuditEvent.objects.order_by("id").values_list("action", flat=True))


def test_folios_commands_replace_waffles():
    commands = get_commands()
    for name in ("waffle_flag", "waffle_switch", "waffle_sample", "waffle_delete"):
        assert commands[name] == "flags", name


def test_waffle_switch_turns_a_capability_off_and_on_audited(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert run("waffle_switch", RELEASES.switch, "off") == f"{RELEASES.switch}: off\n"
    assert not capability_on(RELEASES)
    event = AuditEvent.objects.get(action="switch.update")
    assert (event.actor, event.changes) == (None, {"active": [True, False]})
    with django_capture_on_commit_callbacks(execute=True):
        run("waffle_switch", RELEASES.switch, "on")
    assert capability_on(RELEASES)
    assert f"{RELEASES.switch}: on" in run("waffle_switch", "-l")


def test_waffle_switch_refuses_an_unknown_switch_unless_asked_to_create_it():
    with pytest.raises(CommandError, match="does not exist"):
        run("waffle_switch", "maintenance", "on")
    assert "Creating switch: maintenance" in run("waffle_switch", "maintenance", "on", "--create")
    assert Switch.objects.get(name="maintenance").active
    assert actions()[-1] == "switch.create"


def test_waffle_flag_creates_a_public_rollout_for_a_group():
    output = run(
        "waffle_flag", "checkout_v2", "--create", "--percent", "20", "--public", "-g", "Editor"
    )
    assert "Creating flag: checkout_v2" in output
    flag = Flag.objects.get(name="checkout_v2")
    assert flag_is_public(flag)
    assert (flag.percent, flag.superusers, flag.everyone) == (20, False, None)
    assert [g.name for g in flag.groups.all()] == ["Editor"]
    assert actions()[-2:] == ["flag.create", "flag.update"]

    run("waffle_flag", "checkout_v2", "--everyone")  # as waffle's: what is not given is off
    flag.refresh_from_db()
    assert (flag.everyone, flag.percent, flag_is_public(flag)) == (True, None, True)
    assert [g.name for g in flag.groups.all()] == ["Editor"]  # no -g: unchanged
    run("waffle_flag", "checkout_v2", "--private")
    flag.refresh_from_db()
    assert flag_is_public(flag) is False


def test_waffle_flag_refusals_exit_1():
    with pytest.raises(CommandError, match="does not exist"):
        run("waffle_flag", "nope", "--everyone")
    run("waffle_flag", "beta", "--create")
    with pytest.raises(CommandError, match="Group Nobody does not exist"):
        run("waffle_flag", "beta", "-g", "Nobody")
    with pytest.raises(CommandError, match="percent"):
        run("waffle_flag", "beta", "--percent", "150")


def test_waffle_sample_and_waffle_delete():
    run("waffle_sample", "log_some", "25", "--create")
    assert Sample.objects.get(name="log_some").percent == 25
    run("waffle_flag", "beta", "--create")
    assert run("waffle_delete", "--flags", "beta", "--samples", "log_some") == (
        "Deleted 1 Flags\nDeleted 1 Samples\n"
    )
    assert actions()[-2:] == ["flag.delete", "sample.delete"]


def test_waffle_delete_refuses_folios_switches_and_deletes_nothing():
    run("waffle_flag", "beta", "--create")
    with pytest.raises(CommandError, match="turn it off instead"):
        run("waffle_delete", "--flags", "beta", "--switches", RELEASES.switch)
    assert Flag.objects.filter(name="beta").exists()
    assert Switch.objects.filter(name=RELEASES.switch).exists()
