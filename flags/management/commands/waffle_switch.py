"""waffle's `waffle_switch`, audited (flags.commands)."""

from __future__ import annotations

from django.core.management.base import CommandError
from waffle.management.commands import waffle_switch
from waffle.models import Switch

from flags import services
from flags.commands import get_or_create, refusals_as_command_errors


class Command(waffle_switch.Command):
    help = "Turn a switch on or off (--create makes it), audited. -l lists the switches."

    def handle(self, *args, **options) -> None:
        if options["list_switches"]:
            return super().handle(*args, **options)
        name, state = options["name"], options["state"]
        if not (name and state is not None):
            raise CommandError("You need to specify a switch name and state.")
        with refusals_as_command_errors():
            switch, created = get_or_create(
                Switch,
                name,
                options["create"],
                lambda: services.toggle_create(
                    actor=None, model=Switch, data={"name": name, "active": state}
                ),
                "switch",
            )
            if created:
                self.stdout.write(f"Creating switch: {name}")
            else:
                services.toggle_update(actor=None, toggle=switch, data={"active": state})
        self.stdout.write(f"{name}: {'on' if state else 'off'}")
        return None
