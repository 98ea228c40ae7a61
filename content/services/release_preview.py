"""Release previews: a signed token that makes delivery answer as if a release were published
now, so a frontend can render the campaign before it goes out.

- **Issuing** (`release_preview_token_create`) needs the release permissions (Editors), on
  an open release; it is audited. The token names the release and whoever issued it, and
  works RELEASE_PREVIEW_SECONDS. Like a preview link, the token itself is the capability:
  delivery asks for nothing else (an API key still, under DELIVERY_REQUIRE_KEY).
- **Loading** (`release_preview_load`) refuses a malformed, tampered or expired token (403),
  one whose release was deleted (404) or is no longer open (409: published, it is live and
  needs no preview; reverted, it cannot go out again), and one whose issuer may no longer
  manage releases (403).
- **Applying** (`release_applied`): inside the block the database is as publishing the
  release now would leave it, because that is what ran: every item through the release's
  own publish step (content.services.releases.forward_step, as the token's issuer would
  publish it), in a transaction that is rolled back when the block ends (core.rehearsal).
  An item that publish would refuse is left as it is, and named.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.utils import timezone
from rest_framework import exceptions

from accounts.audit import audit_record
from content.frontend import release_preview_url
from content.models import Release
from content.services.releases import (
    OPEN,
    ensure_open,
    ensure_release_perm,
    release_rehearsed,
)
from content.types import api_name_of
from core.exceptions import Conflict
from flags.capabilities import RELEASES, capability_required

SALT = "content.release-preview"
MANAGE = "content.change_release"


class ReleasePreviewInvalid(exceptions.PermissionDenied):
    default_detail = "This release preview token is invalid."
    default_code = "release_preview_invalid"


class ReleasePreviewExpired(exceptions.PermissionDenied):
    default_detail = "This release preview token has expired; ask for a new one."
    default_code = "release_preview_expired"


class ReleaseNotFound(exceptions.NotFound):
    default_detail = "The release this token previews was deleted."
    default_code = "release_not_found"


class ReleaseNotOpen(Conflict):
    default_detail = "This release can no longer be previewed."
    default_code = "release_not_open"


@dataclass(frozen=True)
class ReleasePreview:
    """A loaded token: the open release, and who it is published as."""

    release: Release
    actor: Any


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=SALT)


def _stamp(release: Release) -> int:
    """When the release was made, in the token: a later release given the same id (a restored
    database) is not the one the token names."""
    return int(release.created_at.timestamp())


@transaction.atomic
def release_preview_token_create(*, release: Release, actor: Any) -> dict[str, Any]:
    """A token that makes delivery answer as if `release` were published now by `actor`,
    valid RELEASE_PREVIEW_SECONDS; for those who manage releases, while it is open."""
    ensure_release_perm(actor, "change")
    ensure_open(release, "preview")
    token = _signer().sign_object({"r": release.pk, "c": _stamp(release), "u": actor.pk})
    expires_at = timezone.now() + timedelta(seconds=settings.RELEASE_PREVIEW_SECONDS)
    audit_record(
        actor=actor,
        action="release.preview_token",
        target=release,
        metadata={"expires_at": expires_at.isoformat()},
    )
    return {
        "token": token,
        "release": release.pk,
        "expires_at": expires_at,
        "frontend_url": release_preview_url(token, release.pk),
    }


def release_preview_load(token: str) -> ReleasePreview:
    """The release and issuer a token names, or the refusal a client is told (see above)."""
    capability_required(RELEASES)  # releases switched off: no preview either (503)
    try:
        payload = _signer().unsign_object(token, max_age=settings.RELEASE_PREVIEW_SECONDS)
        release_id, stamp, user_id = payload["r"], payload["c"], payload["u"]
    except signing.SignatureExpired:
        raise ReleasePreviewExpired() from None
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise ReleasePreviewInvalid() from None
    if not all(isinstance(value, int) for value in (release_id, stamp, user_id)):
        raise ReleasePreviewInvalid()
    release = Release.objects.filter(pk=release_id).first()
    if release is None or _stamp(release) != stamp:
        raise ReleaseNotFound()
    if release.status not in OPEN:
        raise ReleaseNotOpen(
            f"This release is {release.get_status_display().lower()}, so it has no preview: "
            "published, delivery serves it as it is; reverted, it cannot go out again."
        )
    actor = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if actor is None or not actor.has_perm(MANAGE):
        raise ReleasePreviewInvalid(
            "The person who issued this token can no longer manage releases; ask for a new one."
        )
    return ReleasePreview(release, actor)


@contextmanager
def release_applied(preview: ReleasePreview) -> Iterator[list[str]]:
    """Inside the block, the database as publishing the release now would leave it; rolled
    back when the block ends, whatever happens in it. Yields the items that publish would
    refuse, left as they are, as "<type>-<id>" (the surrogate-key form)."""
    with release_rehearsed(preview.release, preview.actor) as (items, blockers):
        yield [f"{api_name_of(i.content_type)}-{i.object_id}" for i in items if i.pk in blockers]
