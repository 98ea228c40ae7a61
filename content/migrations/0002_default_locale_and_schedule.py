"""Seed the default locale and the every-minute scheduled-publishing beat task.

The PeriodicTask lives in django-celery-beat's tables, so `make run` (worker + beat
with the DatabaseScheduler) publishes scheduled items on time, and an administrator
can change the interval in the admin.
"""

from django.conf import settings
from django.db import migrations

TASK_NAME = "content: publish scheduled items"
TASK_PATH = "content.tasks.publish_scheduled_task"


def seed(apps, schema_editor):
    Locale = apps.get_model("content", "Locale")
    if not Locale.objects.exists():
        Locale.objects.create(
            code=settings.CONTENT_DEFAULT_LOCALE, name="English", is_default=True
        )
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.update_or_create(
        name=TASK_NAME,
        defaults={"task": TASK_PATH, "interval": every_minute, "enabled": True},
    )


def unseed(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
