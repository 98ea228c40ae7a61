"""The weekly digest of overdue reviews, one email per owner."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from accounts.tasks import email_send_task
from governance.reports import overdue_reviews


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
        transaction.on_commit(
            lambda s=subject, b=body, to=owner.email: email_send_task.delay(
                subject=s, body=b, to=[to]
            )
        )
        sent += 1
    return sent
