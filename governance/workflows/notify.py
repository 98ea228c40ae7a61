"""Review notifications: emails sent as outbox jobs, written in the review's transaction."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from accounts.tasks import email_send_task
from outbox.services import job_enqueue


def _send_on_commit(*, subject: str, template: str, context: dict[str, Any], to: list[str]):
    recipients = sorted({address for address in to if address})
    if not recipients:
        return
    body = render_to_string(template, context)
    job_enqueue(email_send_task, subject=subject, body=body, to=recipients)


def _title(submission: Any) -> str:
    return submission.revision.snapshot.get("title") or str(submission)


def notify_step(*, submission: Any, step: Any, reviewers: Any) -> None:
    """Tell the step's reviewers (never the submitter) that an item waits for them."""
    to = [u.email for u in reviewers if u.pk != submission.submitted_by_id]
    _send_on_commit(
        subject=f"Review requested: {_title(submission)}",
        template="governance/emails/review_requested.txt",
        context={"submission": submission, "step": step, "title": _title(submission)},
        to=to,
    )


def notify_decision(*, submission: Any, decision: str, reviewer_name: str, comment: str) -> None:
    """Tell the submitter, and the item's owner (its author) too, about each decision."""
    decided = {"approve": "approved", "reject": "rejected"}[decision]
    entry = submission.entry
    people = [submission.submitted_by, getattr(entry, "owner", None)]
    _send_on_commit(
        subject=f"Review {decided}: {_title(submission)}",
        template="governance/emails/review_decided.txt",
        context={
            "submission": submission,
            "decision": decided,
            "reviewer": reviewer_name,
            "comment": comment,
            "title": _title(submission),
        },
        to=[person.email for person in people if person is not None and person.is_active],
    )
