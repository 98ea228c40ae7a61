"""Bulk jobs: one action over many items, run by a Celery task, item by item.

- `bulk_job_create` checks the action, its parameters and the actor's right to use it on
  the type, keeps the ids, audits the start and queues the run (content.tasks, through the
  outbox: it runs once the job is committed, and again if the broker lost it).
- `bulk_job_run` applies the action to each item as the job's actor, through the same
  service the single-item button calls (content.services.bulk_operations). A refusal
  (a rule, a permission, a workflow, a content policy) is recorded for that item and the
  job goes on; every item the service changed is audited by the service, as ever.

Each item is done in its own transaction together with the job's progress, under a lock
on the job's row: a run that is interrupted resumes where it stopped, and two workers
handed the same job (a resend) take turns, never doing one item twice.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from rest_framework.exceptions import APIException

from accounts.audit import audit_record
from accounts.roles import DENIED
from content.models import BulkJob, BulkJobStatus, BulkRefusal, PublishableCore
from content.services import rules
from content.services.bulk_operations import BY_NAME, Operation
from content.types import entry_type, entry_type_for
from core.admin_services import REFUSALS, error_messages

logger = logging.getLogger(__name__)

GONE = "It no longer exists."
TYPE_GONE = "Its content type no longer exists."
UNEXPECTED = "Something went wrong with this item; it was left as it was (the error is logged)."


def bulk_max_items() -> int:
    return settings.BULK_JOB_MAX_ITEMS


def may_use(actor: Any, model: type[PublishableCore], operation: Operation) -> bool:
    """Whether `actor` may use `operation` on the type at all (what the admin asks before
    offering it); each item's service still decides for that item."""
    if operation.permission == "review":
        return actor.has_perm(rules.REVIEW_PERM) or rules.has_perm(actor, model, "publish")
    action = "delete" if operation.permission == "trash" else operation.permission
    return rules.has_perm(actor, model, action)


def operation_for(model: type[PublishableCore], action: str) -> Operation:
    operation = BY_NAME.get(action)
    if operation is None or not operation.offered_for(entry_type_for(model)):
        raise ValidationError({"action": [f"Unknown bulk action for this type: {action!r}."]})
    return operation


def _clean_ids(item_ids: Any) -> list[int]:
    if not isinstance(item_ids, list | tuple) or not all(
        isinstance(i, int) and not isinstance(i, bool) for i in item_ids
    ):
        raise ValidationError({"item_ids": ["Must be a list of ids."]})
    ids = list(dict.fromkeys(item_ids))
    if not ids:
        raise ValidationError({"item_ids": ["Select at least one item."]})
    if len(ids) > bulk_max_items():
        raise ValidationError(
            {
                "item_ids": [
                    f"At most {bulk_max_items():,} items in one job ({len(ids):,} given): "
                    "narrow the filter."
                ]
            }
        )
    return ids


@transaction.atomic
def bulk_job_create(
    *,
    actor: Any,
    model: type[PublishableCore],
    action: str,
    item_ids: list[int],
    parameters: dict[str, Any] | None = None,
    query: str = "",
    across: bool = False,
) -> BulkJob:
    """Start `action` on the items `item_ids` of `model` as `actor`; the run is queued."""
    from content.tasks import bulk_job_run_task
    from outbox.services import job_enqueue

    operation = operation_for(model, action)
    if actor is None or not may_use(actor, model, operation):
        raise PermissionDenied(DENIED)
    ids = _clean_ids(item_ids)
    if not isinstance(parameters or {}, dict):
        raise ValidationError({"parameters": ["Must be an object."]})
    cleaned = operation.clean(parameters or {})
    job = BulkJob.objects.create(
        actor=actor,
        entry_type=entry_type_for(model).api_name,
        action=operation.name,
        parameters=cleaned,
        item_ids=ids,
        query=query[:2000],
        across=across,
        total=len(ids),
    )
    audit_record(
        actor=actor,
        action="bulk_job.start",
        target=job,
        metadata={
            "type": job.entry_type,
            "action": job.action,
            "parameters": cleaned,
            "total": job.total,
            "across": across,
            "query": job.query,
        },
    )
    job_enqueue(bulk_job_run_task, job_id=job.pk)
    return job


# --- Running ----------------------------------------------------------------------------


def refusal_reasons(exc: Exception) -> list[str]:
    """A service's refusal in an editor's words: each blocking content policy by name, else
    the messages the single-item button would show."""
    details = getattr(exc, "details", None)
    violations = details.get("violations") if isinstance(details, dict) else None
    if violations:
        by_policy: dict[str, list[str]] = {}
        for v in violations:
            by_policy.setdefault(str(v.get("policy", "")), []).append(str(v.get("message", "")))
        return [
            f"blocked by policy “{policy}”: {'; '.join(dict.fromkeys(msgs))}"
            for policy, msgs in by_policy.items()
        ]
    if isinstance(exc, APIException):
        return [str(exc.detail)]
    return [
        # "status: Cannot publish…" says nothing the message does not.
        f"{field}: {msg}" if field and field != "status" else msg
        for field, msgs in error_messages(exc).items()
        for msg in msgs
    ]


def _apply_one(job: BulkJob, actor: Any, item_id: int) -> tuple[str, list[str]]:
    """Apply the job's operation to one item as `actor`: (the item's title, the refusal's
    reasons, empty when it was done)."""
    operation = BY_NAME[job.action]
    try:
        model = entry_type(job.entry_type).model
    except LookupError:  # a type defined as data, removed since
        return f"#{item_id}", [TYPE_GONE]
    entry = model.objects.filter(pk=item_id).first()
    if entry is None:
        return f"#{item_id}", [GONE]
    title = str(entry)[:255]
    try:
        with transaction.atomic():
            operation.apply(entry, actor, job.parameters)
    except REFUSALS as exc:
        return title, refusal_reasons(exc)
    except Exception:
        # A bug or an outage on one item must not stop the others, nor leave the job stuck.
        logger.exception("bulk job %s: %s on %s %s failed", job.pk, job.action, model, item_id)
        return title, [UNEXPECTED]
    return title, []


def _step(job_id: int, actor: Any, item_ids: list[int]) -> bool:
    """Do the next item of the job, with its progress, in one transaction; False when done.
    The job's row is locked and read again for its progress only: its ids and actor never
    change, and up to BULK_JOB_MAX_ITEMS ids would be read again per item."""
    with transaction.atomic():
        job = BulkJob.objects.select_for_update().defer("item_ids").get(pk=job_id)
        if job.done >= job.total:
            if job.status != BulkJobStatus.FINISHED:
                job.status, job.finished_at = BulkJobStatus.FINISHED, timezone.now()
                job.save(update_fields=["status", "finished_at"])
                audit_record(
                    actor=actor,
                    action="bulk_job.finish",
                    target=job,
                    metadata={"done": job.done, "refused": job.refused, "total": job.total},
                )
            return False
        if job.status == BulkJobStatus.PENDING:
            job.status, job.started_at = BulkJobStatus.RUNNING, timezone.now()
        position = job.done
        title, reasons = _apply_one(job, actor, item_ids[position])
        if reasons:
            BulkRefusal.objects.create(
                job=job,
                position=position,
                item_id=item_ids[position],
                title=title,
                reasons=reasons,
            )
            job.refused += 1
        job.done += 1
        job.save(update_fields=["status", "started_at", "done", "refused"])
        return True


def bulk_job_run(*, job_id: int) -> BulkJob | None:
    """Run the job's remaining items, then mark it finished (idempotent: a finished job, or
    one whose items are all done, only gets its status written)."""
    job = BulkJob.objects.select_related("actor").filter(pk=job_id).first()
    if job is None:
        return None
    while _step(job_id, job.actor, job.item_ids):
        pass
    return BulkJob.objects.get(pk=job_id)
