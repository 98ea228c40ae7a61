"""Previews: what an item would show, before it is published.

- A **preview link** is a signed, expiring token bound to exactly one revision.
- The admin's **live preview** shows the editor's unsaved form: `preview_draft` checks and
  cleans it with the code a save runs (entry_changes_apply) and writes nothing. With a
  frontend, `preview_draft_link` holds that draft in the cache (never a revision) under a
  short-lived token bound to the revision it edits, which the delivery preview endpoint
  serves like a revision's (`preview_token_load`).
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from rest_framework.exceptions import APIException

from accounts.audit import audit_record
from content.frontend import preview_url
from content.models import PublishableCore, Revision
from content.services.entries import entry_changes_apply, model_label
from content.services.revisions import entry_snapshot, revision_create
from content.services.rules import ensure_can_edit, ensure_not_trashed, ensure_perm
from content.types import entry_type_for

SALT = "content.preview"
# One draft per editor and item: each new one replaces the last, so typing never piles up
# snapshots in the cache.
DRAFT_KEY = "content:preview-draft:{c}:{e}:{u}"
INVALID = "This preview link is invalid or has expired."
REPLACED = "This preview has expired or was replaced by a newer one."


class PreviewUnavailable(APIException):
    """The draft could not be kept for the frontend to read (the cache is down): 503."""

    status_code = 503
    default_detail = "The live preview cannot be stored right now (the cache is unavailable)."
    default_code = "preview_unavailable"


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=SALT)


def _link(token: str, entry: PublishableCore, snapshot: dict[str, Any]) -> str:
    return preview_url(
        token,
        locale=snapshot["locale"],
        kind=entry_type_for(entry).api_name,
        slug=snapshot["slug"],
        entry_id=entry.pk,
    )


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
    token = _signer().sign_object({"t": entry._meta.model_name, "e": entry.pk, "r": revision.pk})
    expires_at: datetime = timezone.now() + timedelta(seconds=settings.CONTENT_PREVIEW_MAX_AGE)
    audit_record(
        actor=actor,
        action=f"{model_label(entry)}.preview_link",
        target=entry,
        metadata={"revision": revision.number, "expires_at": expires_at.isoformat()},
    )
    return {
        "token": token,
        "url": _link(token, entry, revision.snapshot),
        "expires_at": expires_at,
        "revision": revision.number,
    }


def _unsaved(entry: PublishableCore, snapshot: dict[str, Any], actor: Any) -> Revision:
    """A revision that is never saved: what the delivery rendering reads of one."""
    base = entry.latest_revision
    return Revision(
        content_type=ContentType.objects.get_for_model(entry),
        object_id=entry.pk,
        number=base.number if base else 0,
        snapshot=snapshot,
        author=actor,
        created_at=timezone.now(),
    )


def preview_draft(
    *, entry: PublishableCore, actor: Any, data: dict[str, Any] | None = None
) -> tuple[Revision, bool]:
    """What the live preview shows, as an unsaved revision, and whether it differs from the
    latest revision. With `data` (an editor's unsaved form, as for entry_update): the item as
    that save would leave it, refused as the save would be (ValidationError names the
    field, PermissionDenied), and nothing written. Without: the latest revision, for
    anyone who may view the item (a reviewer's read-only form)."""
    ensure_not_trashed(entry)
    if data is None:
        ensure_perm(actor, entry, "view")
        base = entry.latest_revision
        return _unsaved(entry, base.snapshot if base else entry_snapshot(entry), actor), False
    ensure_can_edit(actor, entry)
    # A fresh copy: the edit is set on it, and the caller's instance stays as stored.
    copy = type(entry).objects.select_related("locale", "latest_revision").get(pk=entry.pk)
    with transaction.atomic():  # a type's checks may lock a row (a unique field's type)
        changes, m2m = entry_changes_apply(entry=copy, actor=actor, data=data)
        snapshot = entry_snapshot(copy)
        transaction.set_rollback(True)  # a preview never writes, whatever a check did
    snapshot.update({name: sorted(obj.pk for obj in values) for name, values in m2m.items()})
    return _unsaved(copy, snapshot, actor), bool(changes)


def _draft_key(content_type_id: int, entry_id: int, user_id: int | None) -> str:
    return DRAFT_KEY.format(c=content_type_id, e=entry_id, u=user_id)


def preview_draft_link(*, entry: PublishableCore, draft: Revision, actor: Any) -> dict[str, Any]:
    """Keep `draft` (from preview_draft) for CONTENT_PREVIEW_DRAFT_MAX_AGE under a token that
    names it and the revision it edits, for the frontend's preview page. Not audited: no
    state changes, and the panel asks for one every time the editor pauses typing; the
    editor's next draft of the item replaces it, and its token stops working then."""
    user_id = getattr(actor, "pk", None)
    nonce = secrets.token_urlsafe(9)
    key = _draft_key(draft.content_type_id, entry.pk, user_id)
    max_age = settings.CONTENT_PREVIEW_DRAFT_MAX_AGE
    stored = {
        "nonce": nonce,
        "number": draft.number,
        "snapshot": draft.snapshot,
        "created_at": draft.created_at.isoformat(),
    }
    cache.set(key, stored, timeout=max_age)
    if (cache.get(key) or {}).get("nonce") != nonce:  # django-redis ignores a Redis outage
        raise PreviewUnavailable()
    token = _signer().sign_object(
        {
            "c": draft.content_type_id,
            "e": entry.pk,
            "r": entry.latest_revision_id,
            "u": user_id,
            "d": nonce,
        }
    )
    return {
        "token": token,
        "url": _link(token, entry, draft.snapshot),
        "expires_at": timezone.now() + timedelta(seconds=max_age),
        "revision": draft.number,
    }


def _draft_load(payload: dict[str, Any]) -> Revision:
    """The unsaved draft a live preview token names, while it is the editor's latest."""
    stored = cache.get(_draft_key(payload["c"], payload["e"], payload["u"]))
    if not stored or stored["nonce"] != payload["d"]:
        raise ValidationError({"token": [REPLACED]})
    if (
        payload["r"] is not None
        and not Revision.objects.filter(
            pk=payload["r"], object_id=payload["e"], content_type_id=payload["c"]
        ).exists()
    ):
        raise ValidationError({"token": [INVALID]})
    return Revision(
        content_type=ContentType.objects.get_for_id(payload["c"]),
        object_id=payload["e"],
        number=stored["number"],
        snapshot=stored["snapshot"],
        author_id=payload["u"],
        created_at=datetime.fromisoformat(stored["created_at"]),
    )


def preview_token_load(token: str) -> Revision:
    """The revision a preview token is bound to (unsaved, for a live preview's draft);
    invalid or expired tokens are refused, and so are links to an item since trashed or
    deleted (the trash hides it everywhere)."""
    try:
        payload = _signer().unsign_object(token)  # which kind of token, then its age
        is_draft = "d" in payload
        max_age = (
            settings.CONTENT_PREVIEW_DRAFT_MAX_AGE if is_draft else settings.CONTENT_PREVIEW_MAX_AGE
        )
        _signer().unsign(token, max_age=max_age)
        if is_draft:
            revision = _draft_load(payload)
        else:
            revision = Revision.objects.select_related("content_type").get(
                pk=payload["r"], object_id=payload["e"], content_type__model=payload["t"]
            )
    except (signing.BadSignature, KeyError, TypeError, Revision.DoesNotExist):
        raise ValidationError({"token": [INVALID]}) from None
    model = revision.content_type.model_class()
    if not model.objects.filter(pk=revision.object_id, deleted_at__isnull=True).exists():
        raise ValidationError({"token": ["The previewed item is in the trash or was deleted."]})
    return revision
