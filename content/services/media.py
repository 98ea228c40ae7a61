"""Media: uploads validated and cleaned (content.services.uploads), deduplicated by sha256;
metadata; safe deletion."""

from __future__ import annotations

import hashlib
import math
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction

from accounts.audit import audit_record
from content.hooks import references_changed
from content.models import MediaAsset, MediaKind
from content.services.references import is_referenced
from content.services.rules import ensure_perm
from content.services.uploads import upload_clean
from core.exceptions import Conflict
from outbox.services import job_enqueue

METADATA_FIELDS = ("title", "alt_text", "caption", "credit", "focal_point_x", "focal_point_y")
_LIMITS = {"title": 255, "alt_text": 500, "caption": 1000, "credit": 255}


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _clean_metadata(data: dict[str, Any], asset: MediaAsset) -> dict[str, Any]:
    unknown = sorted(set(data) - set(METADATA_FIELDS))
    if unknown:
        raise ValidationError({name: ["Unknown or read-only field."] for name in unknown})
    cleaned = {}
    for name, value in data.items():
        if name in _LIMITS:
            if not isinstance(value, str) or len(value) > _LIMITS[name]:
                raise ValidationError({name: [f"A string of at most {_LIMITS[name]} characters."]})
            cleaned[name] = value.strip()
        else:
            bound = asset.width if name == "focal_point_x" else asset.height
            if value is not None and (
                not isinstance(value, int) or bound is None or not 0 <= value < bound
            ):
                raise ValidationError({name: ["Must be a pixel inside the image."]})
            cleaned[name] = value
    return cleaned


@transaction.atomic
def media_upload(
    *, actor: Any, file: UploadedFile, data: dict[str, Any] | None = None
) -> tuple[MediaAsset, bool]:
    """Store a validated upload as (asset, created); the same bytes return the existing asset."""
    ensure_perm(actor, MediaAsset, "add")
    clean = upload_clean(file)
    kind, mime, stored = clean.kind, clean.mime_type, clean.content
    # Re-encoding is deterministic, so the same upload always stores the same bytes.
    digest = _sha256(stored.read())
    existing = MediaAsset.objects.filter(sha256=digest).first()
    if existing is not None:
        return existing, False
    asset = MediaAsset(
        kind=kind,
        mime_type=mime,
        width=clean.width,
        height=clean.height,
        size=stored.size,
        sha256=digest,
        uploaded_by=actor,
        title=(file.name or "untitled").rsplit("/", 1)[-1][:255],
    )
    for name, value in _clean_metadata(dict(data or {}), asset).items():
        setattr(asset, name, value)
    asset.title = asset.title or "untitled"
    extension = {"application/pdf": "pdf"}.get(mime, mime.split("/")[-1].replace("jpeg", "jpg"))
    # The stored name is ours: the client's name never decides the extension or the path.
    stored.name = f"{digest[:24]}.{extension}"
    asset.file = stored
    try:
        with transaction.atomic():
            asset.save()
    except IntegrityError:
        # The same bytes were uploaded concurrently; theirs wins.
        asset.file.delete(save=False)
        return MediaAsset.objects.get(sha256=digest), False
    audit_record(
        actor=actor,
        action="media.upload",
        target=asset,
        changes={"title": asset.title, "kind": kind, "size": asset.size, "sha256": digest},
    )
    if kind == MediaKind.IMAGE:
        from content.tasks import rendition_pregenerate_task

        job_enqueue(rendition_pregenerate_task, asset_id=asset.pk)
    return asset, True


@transaction.atomic
def media_update(*, asset: MediaAsset, actor: Any, data: dict[str, Any]) -> MediaAsset:
    """Change title, alt text, caption, credit or focal point; renditions follow the focus."""
    ensure_perm(actor, MediaAsset, "change")
    asset = MediaAsset.objects.select_for_update().get(pk=asset.pk)
    cleaned = _clean_metadata(data, asset)
    changes = {k: [getattr(asset, k), v] for k, v in cleaned.items() if getattr(asset, k) != v}
    if not changes:
        return asset
    for name, (_before, after) in changes.items():
        setattr(asset, name, after)
    asset.save()
    if {"focal_point_x", "focal_point_y"} & set(changes):
        _renditions_discard(asset)
    audit_record(actor=actor, action="media.update", target=asset, changes=changes)
    pk = asset.pk
    references_changed.send(sender=MediaAsset, target_ids=[pk])
    return asset


def _renditions_discard(asset: MediaAsset) -> None:
    """Crops depend on the focal point: drop the stored renditions (their files once the
    change is committed) and make the usual ones again, around the new focus."""
    renditions = list(asset.renditions.all())
    asset.renditions.all().delete()
    files = [r.file for r in renditions]
    transaction.on_commit(lambda: [f.delete(save=False) for f in files])
    if asset.kind == MediaKind.IMAGE:
        from content.tasks import rendition_pregenerate_task

        job_enqueue(rendition_pregenerate_task, asset_id=asset.pk)


def media_focal_point_set(*, asset: MediaAsset, actor: Any, x: Any, y: Any) -> MediaAsset:
    """Set (or with both None, clear) the focal point from fractions of the image's width
    and height, 0..1 from the top left: what a click on a preview of any size gives."""
    ensure_perm(actor, MediaAsset, "change")
    if x is None and y is None:
        return media_update(
            asset=asset, actor=actor, data={"focal_point_x": None, "focal_point_y": None}
        )
    errors = {
        name: ["A number from 0 to 1."]
        for name, value in (("x", x), ("y", y))
        if isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or not 0 <= value <= 1
    }
    if errors:
        raise ValidationError(errors)
    if asset.kind != MediaKind.IMAGE or not asset.width or not asset.height:
        raise ValidationError({"x": ["Only images have a focal point."]})
    # The pixel the fraction lands on; 1.0 is the last pixel, not one past it.
    pixel_x = min(int(x * asset.width), asset.width - 1)
    pixel_y = min(int(y * asset.height), asset.height - 1)
    return media_update(
        asset=asset, actor=actor, data={"focal_point_x": pixel_x, "focal_point_y": pixel_y}
    )


@transaction.atomic
def media_delete(*, asset: MediaAsset, actor: Any) -> None:
    """Delete an asset and its renditions; refused with 409 while anything uses it."""
    ensure_perm(actor, MediaAsset, "delete")
    asset = MediaAsset.objects.select_for_update().get(pk=asset.pk)
    if is_referenced(asset):
        raise Conflict("This media is in use; see its usage and remove it there first.")
    audit_record(
        actor=actor,
        action="media.delete",
        target=asset,
        changes={"title": asset.title, "sha256": asset.sha256},
    )
    files = [asset.file, *(r.file for r in asset.renditions.all())]
    asset.delete()
    transaction.on_commit(lambda: [f.delete(save=False) for f in files])
