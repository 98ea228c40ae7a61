"""waffle's `waffle_delete`, audited (flags.commands): all or nothing."""

from __future__ import annotations

from django.db import transaction
from waffle.management.commands import waffle_delete
from waffle.models import Flag, Sample, Switch

from flags import services
from flags.commands import refusals_as_command_errors


class Command(waffle_delete.Command):
    help = (
        "Delete flags, switches and samples by name, audited, in one transaction: a refusal "
        "(one of Folio's own switches) deletes nothing."
    )

    def handle(self, *args, **options) -> None:
        counts = []
        with refusals_as_command_errors(), transaction.atomic():
            for model, names, label in (
                (Flag, options["flag_names"], "Flags"),
                (Switch, options["switch_names"], "Switches"),
                (Sample, options["sample_names"], "Samples"),
            ):
                if not names:
                    continue
                found = list(model.objects.filter(name__in=names))
                for toggle in found:
                    services.toggle_delete(actor=None, toggle=toggle)
                counts.append(f"Deleted {len(found)} {label}")
        for line in counts:
            self.stdout.write(line)
