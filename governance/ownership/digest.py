"""The weekly digest of overdue reviews, one email per owner."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model

from accounts.tasks import email_send_task
from governance.reports.queries import overdue_reviews
from outbox.services import job_enqueue


def review_digest_send() -> int:
    """Queue one digest per active owner with overdue items; returns how many were queued."""
    sent = 0
    for owner in get_user_model().objects.filter(is_active=True).order_by("pk").iterator():
        rows = overdue_reviews(owner=owner, limit=200)
        if not rows:
            continue
        lines = "\n".join(
            f"- {r['type']} #{r['id']} “{r['title']}”, review due {r['next_review_at']:%Y-%m-%d}"
            for r in rows
        )
        body = (
            f"Hello {owner.get_short_name()},\n\n{len(rows)} of your items are overdue for "
            f"review. Open each, check it is still right, and choose “Mark reviewed”:\n\n"
            f"{lines}\n\n{settings.FOLIO_ADMIN_URL}\n"
        )
        subject = f"Folio: {len(rows)} item(s) overdue for review"
        job_enqueue(email_send_task, subject=subject, body=body, to=[owner.email])
        sent += 1
    return sent
