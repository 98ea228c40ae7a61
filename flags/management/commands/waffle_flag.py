"""waffle's `waffle_flag`, audited (flags.commands), plus --public / --private."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import CommandError
from waffle.management.commands import waffle_flag
from waffle.models import Flag

from flags import services
from flags.commands import get_or_create, refusals_as_command_errors

# What the command line states, as waffle's command sets it: each of these every time.
STATED = ("everyone", "percent", "superusers", "staff", "authenticated", "rollout", "testing")


class Command(waffle_flag.Command):
    help = (
        "Set a flag as the options state it (as waffle's command: the options not given are "
        "off), audited; --create makes it. -l lists the flags."
    )

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--public",
            action="store_true",
            default=None,
            help="List the flag at delivery/flags/ for frontends.",
        )
        parser.add_argument(
            "--private",
            action="store_false",
            dest="public",
            help="Take the flag off delivery/flags/ (unchanged unless one of the two is given).",
        )

    def handle(self, *args, **options) -> None:
        if options["list_flags"]:
            return super().handle(*args, **options)
        name = options["name"]
        if not name:
            raise CommandError("You need to specify a flag name.")
        data = {key: options[key] for key in STATED}
        if options["public"] is not None:
            data["public"] = options["public"]
        with refusals_as_command_errors():
            flag, created = get_or_create(
                Flag,
                name,
                options["create"],
                lambda: services.toggle_create(actor=None, model=Flag, data={"name": name}),
                "flag",
            )
            if created:
                self.stdout.write(f"Creating flag: {name}")
            groups = self._related(flag.groups, Group, "name", options["group"], options)
            users_model = get_user_model()
            users = self._related(
                flag.users, users_model, users_model.USERNAME_FIELD, options["user"], options
            )
            services.toggle_update(actor=None, toggle=flag, data=data, groups=groups, users=users)
        for key, value in data.items():
            self.stdout.write(f"Setting {key}: {value}")
        return None

    @staticmethod
    def _related(current, model, field: str, names: list[str], options) -> list | None:
        """The groups (or users) named, added to the flag's with --append; None: unchanged."""
        if not names:
            return None
        found = list(model.objects.filter(**{f"{field}__in": names}))
        missing = sorted(set(names) - {getattr(row, field) for row in found})
        if missing:
            what = str(model._meta.verbose_name).capitalize()
            raise CommandError(f"{what} {missing[0]} does not exist")
        return [*current.all(), *found] if options["append"] else found
