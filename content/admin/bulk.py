"""Bulk work from a changelist: every bulk action is a BulkJob (content.services.bulk).

Choosing an action on a selection, or on "all N matching this filter" (the admin's
select-across), opens a page that says what will happen to how many items and asks what
the action needs (a comment, a time, a category...). Confirming starts the job and opens
its progress page, where a progress bar polls a small JSON endpoint and the refusals
appear, each with a link to its item. A user sees only their own jobs.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from unfold.admin import ModelAdmin

from content.admin.bulk_forms import bulk_form
from content.models import BulkJob, BulkRefusal
from content.services.bulk import bulk_job_create, bulk_max_items
from content.services.bulk_operations import OPERATIONS, Operation
from content.types import entry_type, entry_type_for
from core.admin_services import error_messages, json_error, report_refusal
from core.admin_urls import model_admin_url

CONFIRM_TEMPLATE = "admin/content/bulk/confirm.html"
PROGRESS_TEMPLATE = "admin/content/bulk/progress.html"
SAMPLE = 10  # titles listed on the confirmation page


def _action(operation: Operation):
    def action(modeladmin, request, queryset):
        return bulk_confirm(modeladmin, request, queryset, operation)

    action.__name__ = f"bulk_{operation.name}"
    return admin.action(description=operation.description, permissions=[operation.permission])(
        action
    )


BULK_ACTIONS = [_action(operation) for operation in OPERATIONS]


def offered_actions(model, actions: dict) -> dict:
    """Drop the bulk actions the type has no field for (a page has no category)."""
    kind = entry_type_for(model)
    hidden = {f"bulk_{op.name}" for op in OPERATIONS if not op.offered_for(kind)}
    return {name: value for name, value in actions.items() if name not in hidden}


def bulk_confirm(modeladmin, request, queryset, operation: Operation):
    """The confirmation page; on its POST ("apply"), start the job and show its progress."""
    across = request.POST.get("select_across") == "1"
    form = bulk_form(
        operation.name,
        request.POST if "apply" in request.POST else None,
        modeladmin=modeladmin,
        request=request,
    )
    limit = bulk_max_items()
    ids = list(queryset.values_list("pk", flat=True)[: limit + 1])
    if form.is_valid():
        try:
            job = bulk_job_create(
                actor=request.user,
                model=modeladmin.model,
                action=operation.name,
                item_ids=ids,
                parameters=form.parameters(),
                query=request.GET.urlencode() if across else "",
                across=across,
            )
        except PermissionDenied as exc:
            report_refusal(request, exc)
            return None  # back to the changelist, with the refusal as a message
        except ValidationError as exc:
            # Shown on this page, by the field it is about (a time in the past...).
            for field, msgs in error_messages(exc).items():
                form.add_error(field if field in form.fields else None, msgs)
        else:
            return HttpResponseRedirect(reverse("admin:content_bulkjob_change", args=[job.pk]))
    opts = modeladmin.model._meta
    sample = list(queryset[:SAMPLE])
    return TemplateResponse(
        request,
        CONFIRM_TEMPLATE,
        {
            **modeladmin.admin_site.each_context(request),
            "title": f"{operation.label}: {opts.verbose_name_plural}",
            "opts": opts,
            "operation": operation,
            "form": form,
            "media": modeladmin.media + form.media,
            "count": len(ids),
            "too_many": len(ids) > limit,
            "limit": limit,
            "sample": sample,
            "more": max(len(ids) - len(sample), 0),
            "across": across,
            "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
            "action_name": request.POST.get("action", ""),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        },
    )


# --- The jobs: progress page and endpoint -------------------------------------------------


def _model(job: BulkJob):
    try:
        return entry_type(job.entry_type).model
    except LookupError:
        return None  # a runtime type removed since


def changelist_url(job: BulkJob) -> str | None:
    model = _model(job)
    if model is None:
        return None
    url = model_admin_url(model, "changelist")
    if url is None:
        return None
    return f"{url}?{job.query}" if job.query else url


def _kind(job: BulkJob, model, *, plural: bool = False) -> str:
    if model is None:
        return job.entry_type
    return str(model._meta.verbose_name_plural if plural else model._meta.verbose_name)


def refusal_rows(job: BulkJob, after: int = -1) -> list[dict[str, Any]]:
    model = _model(job)
    kind = _kind(job, model).capitalize()
    return [
        {
            "position": r.position,
            "id": r.item_id,
            "title": r.title,
            "kind": kind,
            "url": model_admin_url(model, "change", r.item_id) if model else None,
            "reasons": r.reasons,
        }
        for r in BulkRefusal.objects.filter(job=job, position__gt=after)
    ]


def job_state(job: BulkJob, after: int = -1) -> dict[str, Any]:
    """What the progress page shows, as its endpoint answers it."""
    from content.services.bulk_operations import BY_NAME

    operation = BY_NAME.get(job.action)
    return {
        "id": job.pk,
        "action": job.action,
        "label": operation.label if operation else job.action,
        "done_label": operation.done if operation else job.action,
        "status": job.status,
        "finished": job.is_finished,
        "total": job.total,
        "done": job.done,
        "succeeded": job.succeeded,
        "refused": job.refused,
        "refusals": refusal_rows(job, after),
    }


@admin.register(BulkJob)
class BulkJobAdmin(ModelAdmin):
    """Your bulk jobs: the list, and each one's progress page (its "change" page)."""

    # The sidebar's Content group (core.admin_nav), after the types and taxonomies.
    nav_section, nav_icon, nav_order = "content", "pending_actions", 60

    list_display = ["__str__", "status", "progress", "refused", "created_at"]
    list_filter = ["status", "action"]
    date_hierarchy = "created_at"
    show_full_result_count = False

    @admin.display(description="Done")
    def progress(self, job: BulkJob) -> str:
        return f"{job.done} / {job.total}"

    def get_queryset(self, request):
        return super().get_queryset(request).filter(actor=request.user)

    def has_module_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None) -> bool:
        staff = request.user.is_active and request.user.is_staff
        return staff and (obj is None or obj.actor_id == request.user.pk)

    def has_add_permission(self, request) -> bool:
        return False  # jobs start from a changelist's action

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # the record of what was done stays

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:job_id>/progress/",
                view(self.progress_json),
                name="content_bulkjob_progress",
            ),
            *super().get_urls(),
        ]

    def _job(self, request, job_id: int) -> BulkJob:
        # Someone else's job is not found, whoever asks.
        job = self.get_queryset(request).filter(pk=job_id).first()
        if job is None or not self.has_view_permission(request, job):
            raise Http404
        return job

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """A job's page is its progress page."""
        if not str(object_id).isdigit():
            raise Http404
        return self.progress_view(request, int(object_id))

    def progress_view(self, request, job_id: int):
        job = self._job(request, job_id)
        state = job_state(job)
        model = _model(job)
        noun = _kind(job, model, plural=job.total != 1)
        return TemplateResponse(
            request,
            PROGRESS_TEMPLATE,
            {
                **self.admin_site.each_context(request),
                "title": f"{state['label']}: {job.total} {noun}",
                "opts": self.opts,
                "job": job,
                "state": state,
                "noun": noun,
                "back_url": changelist_url(job),
                "media": self.media,
            },
        )

    def progress_json(self, request, job_id: int):
        job = self._job(request, job_id)
        after = request.GET.get("after", "-1")
        try:
            after = int(after)
        except ValueError:
            return json_error(
                400, "validation_error", "`after` must be an integer.", {"after": after}
            )
        if after < -1:
            return json_error(
                400, "validation_error", "`after` must be -1 or more.", {"after": after}
            )
        return JsonResponse(job_state(job, after))
