"""Folio's capability switches (flags.capabilities), on: each capability works as before
until an Administrator turns its switch off. Names are repeated here, not imported, so
this migration keeps meaning what it did when it was written."""

from django.db import migrations
from django.utils import timezone

SWITCHES = {
    "folio_realtime": "Real time: the delivery WebSocket (/ws/v1/delivery/) and the event "
    "stream (/api/v1/delivery/events/). Off: new connections are refused (close code 4503, "
    "HTTP 503); open ones stay.",
    "folio_releases": "Releases (releases/ API, admin, scheduler). Off: building, publishing, "
    "scheduling and reverting answer 503 switched_off; scheduled releases wait.",
    "folio_runtime_types": "Content types as data (content-types/ API, admin, schema_apply). "
    "Off: defining and changing types answers 503 switched_off; their entries still work.",
}


def create(apps, schema_editor):
    Switch = apps.get_model("waffle", "Switch")
    now = timezone.now()
    for name, note in SWITCHES.items():
        Switch.objects.get_or_create(
            name=name, defaults={"active": True, "note": note, "created": now, "modified": now}
        )


def remove(apps, schema_editor):
    apps.get_model("waffle", "Switch").objects.filter(name__in=SWITCHES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("flags", "0001_initial"),
        ("waffle", "0004_update_everyone_nullbooleanfield"),
    ]

    operations = [migrations.RunPython(create, remove)]
