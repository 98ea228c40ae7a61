"""Schedule the hourly re-check of external links in django-celery-beat (editable in the admin).

Each run fetches only links whose last check is older than POLICY_EXTERNAL_LINK_RECHECK_HOURS.
"""

from django.db import migrations

TASK_NAME = "governance: re-check external links"
TASK_PATH = "governance.tasks.external_links_recheck_task"


def seed(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    hourly, _ = IntervalSchedule.objects.get_or_create(every=1, period="hours")
    PeriodicTask.objects.update_or_create(
        name=TASK_NAME, defaults={"task": TASK_PATH, "interval": hourly, "enabled": True}
    )


def unseed(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0009_external_link_uses"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
