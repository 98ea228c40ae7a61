"""django-celery-beat's admins, audited: schedules are configuration, so each admin save,
delete and bulk action writes an audit row with the fields it changed.

Signals cannot do this: beat saves PeriodicTask rows itself on every run (last_run_at,
total_run_count), and those are not anyone's change. So beat's own admin classes are
unregistered and registered again as subclasses that call `audit_record` around the
writes the admin makes, inside the admin's transaction. They also take unfold's
ModelAdmin (and its widgets on the periodic task's form), as unfold's docs do for beat,
so the schedules are drawn in the admin's theme.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django_celery_beat import admin as beat_admin
from django_celery_beat.admin import PeriodicTaskForm, TaskSelectWidget
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)
from unfold.admin import ModelAdmin, TabularInline
from unfold.widgets import UnfoldAdminSelectWidget, UnfoldAdminTextInputWidget

from accounts.audit import audit_changes, audit_record
from core.admin_forms import NoRelatedPopupsMixin


def schedule_settings(obj: models.Model) -> dict[str, Any]:
    """What an administrator sets on a row; beat's own bookkeeping fields are not editable."""
    return {
        field.name: field.value_from_object(obj)
        for field in obj._meta.concrete_fields
        if field.editable and not field.primary_key
    }


class AuditedBeatAdminMixin:
    """Audit admin creates, changes and deletes as `<audit_name>.create|update|delete`."""

    audit_name: str

    def audit_update(self, request, obj, before: dict[str, Any], **metadata) -> None:
        """One `update` row with [old, new] per changed field; none when nothing changed."""
        after = schedule_settings(obj)
        changes = audit_changes(before, after)
        if changes:
            audit_record(
                actor=request.user,
                action=f"{self.audit_name}.update",
                target=obj,
                changes=changes,
                metadata=metadata,
            )

    def audit_delete(self, request, obj) -> None:
        audit_record(
            actor=request.user,
            action=f"{self.audit_name}.delete",
            target=obj,
            changes=schedule_settings(obj),
            metadata=self.delete_metadata(obj),
        )

    def delete_metadata(self, obj) -> dict[str, Any]:
        """Extension point: what else the delete removes."""
        return {}

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
            audit_record(
                actor=request.user,
                action=f"{self.audit_name}.create",
                target=obj,
                changes=schedule_settings(obj),
            )
            return
        # `obj` already holds the form's values; the stored row still holds the old ones.
        before = schedule_settings(type(obj)._default_manager.get(pk=obj.pk))
        super().save_model(request, obj, form, change)
        self.audit_update(request, obj, before)

    def delete_model(self, request, obj):
        self.audit_delete(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        # "Delete selected" runs outside the admin's form transaction.
        with transaction.atomic():
            for obj in queryset:
                self.audit_delete(request, obj)
            super().delete_queryset(request, queryset)


admin.site.unregister(
    [PeriodicTask, IntervalSchedule, CrontabSchedule, ClockedSchedule, SolarSchedule]
)

_BEAT_ACTIONS = beat_admin.PeriodicTaskAdmin


class ThemedTaskSelectWidget(UnfoldAdminSelectWidget, TaskSelectWidget):
    """Beat's registered-task select, drawn as the theme's select."""


class ThemedPeriodicTaskForm(PeriodicTaskForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["task"].widget = UnfoldAdminTextInputWidget()
        self.fields["regtask"].widget = ThemedTaskSelectWidget()


@admin.register(PeriodicTask)
class PeriodicTaskAdmin(
    NoRelatedPopupsMixin, AuditedBeatAdminMixin, beat_admin.PeriodicTaskAdmin, ModelAdmin
):
    """Beat's admin; its bulk actions are audited too and need the change permission."""

    audit_name = "periodic_task"
    form = ThemedPeriodicTaskForm
    nav_section, nav_icon, nav_order = "settings", "schedule", 70
    # Beat's template runs an inline script, which the admin's CSP refuses.
    change_form_template = "admin/governance/periodictask_change_form.html"

    def _audited_bulk(self, request, queryset, action) -> None:
        with transaction.atomic():
            locked = PeriodicTask.objects.select_for_update().filter(pk__in=queryset.values("pk"))
            before = {task.pk: schedule_settings(task) for task in locked}
            action(request, queryset)
            for task in PeriodicTask.objects.filter(pk__in=before).order_by("pk"):
                self.audit_update(request, task, before[task.pk], admin_action=action.__name__)

    @admin.action(description=_BEAT_ACTIONS.enable_tasks.short_description, permissions=["change"])
    def enable_tasks(self, request, queryset):
        self._audited_bulk(request, queryset, super().enable_tasks)

    @admin.action(description=_BEAT_ACTIONS.disable_tasks.short_description, permissions=["change"])
    def disable_tasks(self, request, queryset):
        self._audited_bulk(request, queryset, super().disable_tasks)

    @admin.action(description=_BEAT_ACTIONS.toggle_tasks.short_description, permissions=["change"])
    def toggle_tasks(self, request, queryset):
        self._audited_bulk(request, queryset, super().toggle_tasks)

    @admin.action(description=_BEAT_ACTIONS.run_tasks.short_description, permissions=["change"])
    def run_tasks(self, request, queryset):
        tasks = list(queryset)
        super().run_tasks(request, queryset)
        # Beat's action runs nothing when one of the tasks is not registered.
        if all(self.celery_app.tasks.get(task.task) for task in tasks):
            for task in tasks:
                audit_record(
                    actor=request.user,
                    action="periodic_task.run",
                    target=task,
                    metadata={"task": task.task},
                )


class AuditedScheduleAdminMixin(AuditedBeatAdminMixin):
    """Schedules: a delete also names the periodic tasks it takes with it."""

    def delete_metadata(self, obj) -> dict[str, Any]:
        # Deleting a schedule deletes the periodic tasks on it (on_delete=CASCADE).
        field = next(f.name for f in PeriodicTask._meta.fields if f.related_model is type(obj))
        names = PeriodicTask.objects.filter(**{field: obj}).values_list("name", flat=True)
        return {"periodic_tasks_deleted": sorted(names)}


class ThemedPeriodicTaskInline(beat_admin.PeriodicTaskInline, TabularInline):
    """The periodic tasks on a schedule (beat's read-only inline), in the theme."""


# Each of beat's schedule admins, as it is, plus the audit and the theme.
for model, beat_class, audit_name, icon, order in (
    (IntervalSchedule, beat_admin.IntervalScheduleAdmin, "interval_schedule", "timer", 71),
    (CrontabSchedule, beat_admin.CrontabScheduleAdmin, "crontab_schedule", "event_repeat", 72),
    (ClockedSchedule, beat_admin.ClockedScheduleAdmin, "clocked_schedule", "alarm", 73),
    (SolarSchedule, beat_admin.SolarScheduleAdmin, "solar_schedule", "wb_twilight", 74),
):
    attrs = {"nav_section": "settings", "nav_icon": icon, "nav_order": order}
    if beat_admin.PeriodicTaskInline in beat_class.inlines:
        attrs["inlines"] = [ThemedPeriodicTaskInline]
    admin.site.register(
        model,
        type(
            beat_class.__name__,
            (AuditedScheduleAdminMixin, beat_class, ModelAdmin),
            {"audit_name": audit_name, "__module__": __name__, **attrs},
        ),
    )
