"""waffle's `waffle_sample`, audited (flags.commands)."""

from __future__ import annotations

from django.core.management.base import CommandError
from waffle.management.commands import waffle_sample
from waffle.models import Sample

from flags import services
from flags.commands import get_or_create, refusals_as_command_errors


class Command(waffle_sample.Command):
    help = "Set a sample's percentage (--create makes it), audited. -l lists the samples."

    def handle(self, *args, **options) -> None:
        if options["list_samples"]:
            return super().handle(*args, **options)
        name, percent = options["name"], options["percent"]
        if not name or percent is None:
            raise CommandError("You need to specify a sample name and percentage.")
        data = {"percent": percent}
        with refusals_as_command_errors():
            sample, created = get_or_create(
                Sample,
                name,
                options["create"],
                lambda: services.toggle_create(
                    actor=None, model=Sample, data={"name": name, **data}
                ),
                "sample",
            )
            if created:
                self.stdout.write(f"Creating sample: {name}")
            else:
                services.toggle_update(actor=None, toggle=sample, data=data)
        self.stdout.write(f"{name}: {percent}%")
        return None
