"""Preview links: a signed, expiring token bound to exactly one revision."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.audit import audit_record
from content.frontend import preview_url
from content.models import PublishableCore, Revision
from content.services.entries import model_label
from content.services.revisions import revision_create
from content.services.rules import ensure_perm

SALT = "content.preview"


def preview_link_create(
    *, entry: PublishableCore, actor: Any, number: int | None = None
) -> dict[str, Any]:
    """A token for the latest revision (or revision `number`), valid CONTENT_PREVIEW_MAX_AGE;
    for those who may view the item (a section-limited role: inside its sections)."""
    from content.services.revisions import revision_get

    ensure_perm(actor, entry, "view")

    if number is not None:
        revision = revision_get(entry=entry, number=number)
    else:
        revision = entry.latest_revision or revision_create(entry=entry, actor=actor)
    token = signing.TimestampSigner(salt=SALT).sign_object(
        {"t": entry._meta.model_name, "e": entry.pk, "r": revision.pk}
    )
    expires_at: datetime = timezone.now() + timedelta(seconds=settings.CONTENT_PREVIEW_MAX_AGE)
    audit_record(
        actor=actor,
        action=f"{model_label(entry)}.preview_link",
        target=entry,
        metadata={"revision": revision.number, "expires_at": expires_at.isoformat()},
    )
    return {
        "token": token,
        "url": preview_url(token, revision.snapshot["locale"]),
        "expires_at": expires_at,
        "revision": revision.number,
    }


def preview_token_load(token: str) -> Revision:
    """The revision a preview token is bound to; invalid or expired tokens are refused, and
    so are links to an item since trashed or deleted (the trash hides it everywhere)."""
    try:
        payload = signing.TimestampSigner(salt=SALT).unsign_object(
            token, max_age=settings.CONTENT_PREVIEW_MAX_AGE
        )
        revision = Revision.objects.select_related("content_type").get(
            pk=payload["r"], object_id=payload["e"], content_type__model=payload["t"]
        )
    except (signing.BadSignature, KeyError, TypeError, Revision.DoesNotExist):
        raise ValidationError({"token": ["This preview link is invalid or has expired."]}) from None
    model = revision.content_type.model_class()
    if not model.objects.filter(pk=revision.object_id, deleted_at__isnull=True).exists():
        raise ValidationError({"token": ["The previewed item is in the trash or was deleted."]})
    return revision
