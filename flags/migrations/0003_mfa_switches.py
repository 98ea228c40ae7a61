"""The switches that require two-factor sign-in of Editors and of Reviewers
(accounts.mfa.policy), off: Administrators need it by the MFA_REQUIRED_ROLES setting, and
an Administrator turns these on in the admin's Switches. Names are repeated here, not
imported, so this migration keeps meaning what it did when it was written."""

from django.db import migrations
from django.utils import timezone

SWITCHES = {
    "folio_mfa_editors": "Two-factor sign-in required for Editors. On: an Editor without a "
    "second factor can only enrol until they do (admin and API).",
    "folio_mfa_reviewers": "Two-factor sign-in required for Reviewers. On: a Reviewer without "
    "a second factor can only enrol until they do (admin and API).",
}


def create(apps, schema_editor):
    Switch = apps.get_model("waffle", "Switch")
    now = timezone.now()
    for name, note in SWITCHES.items():
        Switch.objects.get_or_create(
            name=name, defaults={"active": False, "note": note, "created": now, "modified": now}
        )


def remove(apps, schema_editor):
    apps.get_model("waffle", "Switch").objects.filter(name__in=SWITCHES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("flags", "0002_capability_switches"),
        ("waffle", "0004_update_everyone_nullbooleanfield"),
    ]

    operations = [migrations.RunPython(create, remove)]
