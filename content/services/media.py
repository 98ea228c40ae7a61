"""Media: uploads validated by content, deduplicated by sha256; metadata; safe deletion."""

from __future__ import annotations

import hashlib
import warnings
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from PIL import Image, UnidentifiedImageError

from accounts.audit import audit_record
from config.exceptions import Conflict
from content.hooks import references_changed
from content.models import MediaAsset, MediaKind
from content.services.references import is_referenced
from content.services.rules import ensure_perm

IMAGE_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}
PDF_MAGIC = b"%PDF-"
METADATA_FIELDS = ("title", "alt_text", "caption", "credit", "focal_point_x", "focal_point_y")
_LIMITS = {"title": 255, "alt_text": 500, "caption": 1000, "credit": 255}


def _looks_like_markup(head: bytes) -> bool:
    sample = head[:1024].lstrip().lower()
    return sample.startswith((b"<?xml", b"<svg", b"<!doctype", b"<html")) or b"<svg" in sample


def _inspect_image(upload: UploadedFile) -> tuple[str, int, int]:
    """(mime type, width, height) of a genuine raster image; refuse bombs and fakes."""
    limit = settings.MEDIA_MAX_IMAGE_PIXELS
    try:
        upload.seek(0)
        # Pillow warns above MAX_IMAGE_PIXELS and raises above twice that; make both errors.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as img:
                width, height, fmt = img.width, img.height, img.format
                if width * height > limit:
                    raise ValidationError(
                        {"file": [f"The image is too large ({width}x{height} pixels)."]}
                    )
                img.verify()
            upload.seek(0)
            with Image.open(upload) as img:
                img.load()  # verify() skips pixel data; decoding it catches truncated files
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError({"file": ["The image declares too many pixels."]}) from None
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        return "", 0, 0
    if fmt not in IMAGE_FORMATS:
        raise ValidationError({"file": [f"Images must be JPEG, PNG, GIF or WebP, not {fmt}."]})
    return IMAGE_FORMATS[fmt], width, height


def _sha256(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _check_upload(upload: UploadedFile) -> tuple[str, str, int | None, int | None]:
    """(kind, mime type, width, height), judged by the bytes, never by the name."""
    if upload.size > settings.MEDIA_MAX_UPLOAD_SIZE:
        raise ValidationError(
            {"file": [f"The file exceeds the limit of {settings.MEDIA_MAX_UPLOAD_SIZE} bytes."]}
        )
    if upload.size == 0:
        raise ValidationError({"file": ["The file is empty."]})
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    if _looks_like_markup(head):
        # SVG and HTML can carry scripts; they are refused rather than sanitised.
        raise ValidationError({"file": ["SVG, XML and HTML files are not allowed."]})
    if head.startswith(PDF_MAGIC):
        return MediaKind.DOCUMENT, "application/pdf", None, None
    mime, width, height = _inspect_image(upload)
    if not mime:
        raise ValidationError(
            {"file": ["Upload a JPEG, PNG, GIF or WebP image, or a PDF document."]}
        )
    return MediaKind.IMAGE, mime, width, height


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
    kind, mime, width, height = _check_upload(file)
    digest = _sha256(file)
    existing = MediaAsset.objects.filter(sha256=digest).first()
    if existing is not None:
        return existing, False
    asset = MediaAsset(
        kind=kind,
        mime_type=mime,
        width=width,
        height=height,
        size=file.size,
        sha256=digest,
        uploaded_by=actor,
        title=(file.name or "untitled").rsplit("/", 1)[-1][:255],
    )
    for name, value in _clean_metadata(dict(data or {}), asset).items():
        setattr(asset, name, value)
    asset.title = asset.title or "untitled"
    extension = {"application/pdf": "pdf"}.get(mime, mime.split("/")[-1].replace("jpeg", "jpg"))
    # The stored name is ours: the client's name never decides the extension or the path.
    file.name = f"{digest[:24]}.{extension}"
    asset.file = file
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

        transaction.on_commit(lambda: rendition_pregenerate_task.delay(asset.pk))
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
        # Crops depend on the focal point; they are made again on demand.
        for rendition in asset.renditions.all():
            rendition.file.delete(save=False)
        asset.renditions.all().delete()
    audit_record(actor=actor, action="media.update", target=asset, changes=changes)
    pk = asset.pk
    transaction.on_commit(lambda: references_changed.send(sender=MediaAsset, target_ids=[pk]))
    return asset


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
