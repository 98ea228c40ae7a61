"""Review links: an outside person (no account) reviews one submission through a URL.

The token is a random nonce signed with the secret key (a forged token is refused before
any lookup); only its SHA-256 hash is stored, so the URL is shown once, at creation. A
link expires, can be revoked, and decides once. Its decision counts as one approval (or
the rejection) of the submission's current step, exactly like one account holder's: a
step needing two approvals can be met by one Reviewer and one outside reviewer, or by
two links. Every step is audited: created, viewed, decided, revoked.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_record
from governance.models import ReviewLink, Submission, SubmissionStatus
from governance.workflows.services import review_decide, submission_current

SALT = "governance.review-link"
DEFAULT_LIFETIME = timedelta(days=7)
MAX_LIFETIME = timedelta(days=30)
CREATE_PERM = "governance.add_reviewlink"
REVOKE_PERM = "governance.change_reviewlink"
INVALID = "This review link is invalid, expired or no longer usable."


class ReviewLinkInvalid(Exception):
    """The token is forged, unknown, expired, revoked, used, or its review is over."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def review_link_url(token: str) -> str:
    return f"/review/{token}/"


@transaction.atomic
def review_link_create(
    *,
    entry: Any,
    actor: Any,
    expires_at: datetime | None = None,
    reviewer_email: str = "",
    note: str = "",
) -> tuple[ReviewLink, str]:
    """A link to the item's open submission; returns (link, token): the token is shown once."""
    if actor is None or not actor.has_perm(CREATE_PERM):
        raise PermissionDenied("You do not have permission to create review links.")
    submission = submission_current(entry)
    if submission is None:
        raise ValidationError("The item has no open review submission; submit it first.")
    if actor.pk in (submission.submitted_by_id, getattr(entry, "owner_id", None)):
        # Otherwise a link would be a way to approve one's own submission.
        raise PermissionDenied("No one may create a review link for their own submission.")
    now = timezone.now()
    expires_at = expires_at or now + DEFAULT_LIFETIME
    if not now < expires_at <= now + MAX_LIFETIME:
        raise ValidationError({"expires_at": ["Must be in the future and within 30 days."]})
    token = signing.Signer(salt=SALT).sign(secrets.token_urlsafe(24))
    link = ReviewLink.objects.create(
        submission=submission,
        token_hash=_hash(token),
        reviewer_email=reviewer_email,
        note=note,
        created_by=actor,
        expires_at=expires_at,
    )
    audit_record(
        actor=actor,
        action="review_link.create",
        target=entry,
        metadata={
            "review_link": link.pk,
            "submission": submission.pk,
            "revision": submission.revision.number,
            "expires_at": expires_at.isoformat(),
            "reviewer_email": reviewer_email,
        },
    )
    return link, token


def review_link_state(link: ReviewLink) -> str:
    """active, used, revoked, expired, or closed (the review ended another way)."""
    if link.revoked_at is not None:
        return "revoked"
    if link.used_at is not None:
        return "used"
    if link.expires_at <= timezone.now():
        return "expired"
    if link.submission.status != SubmissionStatus.IN_PROGRESS:
        return "closed"
    return "active"


def review_link_load(token: str, *, lock: bool = False) -> ReviewLink:
    """The active link for a token, or ReviewLinkInvalid."""
    try:
        signing.Signer(salt=SALT).unsign(token)
    except signing.BadSignature:
        raise ReviewLinkInvalid(INVALID) from None
    links = ReviewLink.objects.select_related("submission__revision", "submission__current_step")
    if lock:
        links = links.select_for_update(of=("self",))
    link = links.filter(token_hash=_hash(token)).first()
    if link is None or review_link_state(link) != "active":
        raise ReviewLinkInvalid(INVALID)
    return link


@transaction.atomic
def review_link_view(*, token: str) -> ReviewLink:
    """Open the review page: refused unless active; every view is audited."""
    link = review_link_load(token)
    link.last_viewed_at = timezone.now()
    link.save(update_fields=["last_viewed_at"])
    audit_record(
        actor=None,
        action="review_link.view",
        target=link.submission.entry,
        metadata={"review_link": link.pk, "submission": link.submission_id},
    )
    return link


@transaction.atomic
def review_link_decide(*, token: str, name: str, decision: str, comment: str) -> Submission:
    """The outside reviewer's decision: one approval (or the rejection) of the current step."""
    link = review_link_load(token, lock=True)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": ["Please give your name."]})
    submission = review_decide(
        submission=link.submission,
        actor=None,
        decision=decision,
        comment=comment,
        external_name=name[:150],
        review_link=link,
    )
    link.used_at = timezone.now()
    link.save(update_fields=["used_at"])
    audit_record(
        actor=None,
        action="review_link.decide",
        target=submission.entry,
        metadata={
            "review_link": link.pk,
            "submission": submission.pk,
            "decision": decision,
            "external_reviewer": name[:150],
        },
    )
    return submission


@transaction.atomic
def review_link_revoke(*, link: ReviewLink, actor: Any) -> ReviewLink:
    """Revoke a link so it can no longer be opened."""
    if actor is not None and not actor.has_perm(REVOKE_PERM):
        raise PermissionDenied("You do not have permission to revoke review links.")
    link = ReviewLink.objects.select_for_update().get(pk=link.pk)
    if link.revoked_at is not None:
        raise ValidationError("This review link is already revoked.")
    link.revoked_at = timezone.now()
    link.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor,
        action="review_link.revoke",
        target=link.submission.entry,
        metadata={"review_link": link.pk, "submission": link.submission_id},
    )
    return link
