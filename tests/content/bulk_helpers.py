"""Driving bulk actions through the admin as an editor would: choose the action on the
changelist, confirm on the page it opens, and land on the job's progress page."""

from __future__ import annotations

from typing import Any

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from content.models import BulkJob


def changelist(model, query: str = "") -> str:
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    return f"{url}?{query}" if query else url


def bulk_post(
    client,
    model,
    action: str,
    *,
    ids: list[int] | None = None,
    query: str = "",
    apply: bool = True,
    capture=None,
    **params: Any,
):
    """Post `bulk_<action>` on the changelist (filtered by `query`): the selection `ids`,
    or, without ids, "all N matching this filter" (select_across; the admin still posts
    the ticked rows of the page, here none but the first). With `apply` the job starts:
    the run queued on commit is executed (`capture`: django_capture_on_commit_callbacks)
    and the response is the progress page it redirects to."""
    across = ids is None
    data: dict[str, Any] = {
        "action": f"bulk_{action}",
        "select_across": "1" if across else "0",
        ACTION_CHECKBOX_NAME: [str(i) for i in (ids or [model.objects.order_by("pk")[0].pk])],
        **params,
    }
    if not apply:
        data["index"] = "0"  # as the changelist's own "Go" button posts it
        return client.post(changelist(model, query), data)
    data["apply"] = "1"
    with capture(execute=True):
        response = client.post(changelist(model, query), data)
    if response.status_code == 302 and "/bulkjob/" in response["Location"]:
        return client.get(response["Location"])
    return response


def last_job() -> BulkJob:
    return BulkJob.objects.latest("pk")


def progress(client, job: BulkJob, **params: Any):
    return client.get(reverse("admin:content_bulkjob_progress", args=[job.pk]), params)
