"""Background work for accounts."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def email_send_task(*, subject: str, body: str, to: list[str]) -> int:
    """Send one plain-text email; returns how many were sent. Retries on SMTP trouble."""
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to, fail_silently=False)
