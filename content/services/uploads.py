"""What an upload's bytes are, judged by content, and the clean bytes Folio stores instead.

A file can be two things at once: a PNG with HTML appended, a GIF that is also JavaScript,
`%PDF-` followed by a web page, a JPEG whose comment holds a `<script>`. Stored byte for
byte, any of them is served as a page by a browser that sniffs. So images are decoded and
encoded again by Pillow, which keeps the pixels (and the colour profile) and drops whatever
else rode along: trailing bytes, comments, EXIF and other metadata. PDFs are parsed, not
recognised by their first five bytes, and refused with anything after their end or with
scripts in them.
"""

from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from content.models import MediaKind

IMAGE_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}
PDF_MAGIC = b"%PDF-"
ORIENTATION = 0x0112  # the EXIF tag
# After the last %%EOF a PDF may end with line breaks and blanks; anything else rode along.
_PDF_TAIL = re.compile(rb"%%EOF[\r\n\t \x00]*\Z")
_PDF_SCRIPT_KEYS = ("/JavaScript", "/JS", "/OpenAction", "/AA", "/Launch")


@dataclass(frozen=True)
class CleanUpload:
    kind: str
    mime_type: str
    content: ContentFile
    width: int | None = None
    height: int | None = None


def _invalid(message: str) -> ValidationError:
    return ValidationError({"file": [message]})


def _looks_like_markup(head: bytes) -> bool:
    sample = head[:1024].lstrip().lower()
    return sample.startswith((b"<?xml", b"<svg", b"<!doctype", b"<html")) or b"<svg" in sample


def _open_image(data: bytes) -> Image.Image | None:
    """The decoded image, or None when the bytes are no raster image Pillow reads."""
    limit = settings.MEDIA_MAX_IMAGE_PIXELS
    try:
        # Pillow warns above MAX_IMAGE_PIXELS and raises above twice that; make both errors.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.width * probe.height > limit:
                    raise _invalid(f"The image is too large ({probe.width}x{probe.height} pixels).")
                probe.verify()
            image = Image.open(io.BytesIO(data))
            image.load()  # verify() skips pixel data; decoding it catches truncated files
            return image
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _invalid("The image declares too many pixels.") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        return None


def _reencode(image: Image.Image) -> bytes:
    """The same pixels in the same format, with nothing but the colour profile kept."""
    fmt = image.format
    frames = getattr(image, "n_frames", 1)
    options: dict = {"format": fmt}
    if icc := image.info.get("icc_profile"):
        options["icc_profile"] = icc
    if fmt == "JPEG":
        if image.getexif().get(ORIENTATION, 1) == 1:
            options["quality"] = "keep"  # the original's quantisation: no second loss
        else:  # apply the rotation the dropped EXIF asked for
            image, options["quality"] = ImageOps.exif_transpose(image), 92
    elif frames > 1:
        options.update(save_all=True, loop=image.info.get("loop", 0))
        if "duration" in image.info:
            options["duration"] = image.info["duration"]
    elif fmt == "PNG" and "transparency" in image.info:
        options["transparency"] = image.info["transparency"]
    elif fmt == "WEBP":
        options["lossless"] = image.info.get("lossless", False)
        options["quality"] = 90
    # Pillow's encoders fall back to the source's info (its comment, for one): clear it.
    image.info = {}
    buffer = io.BytesIO()
    image.save(buffer, **options)
    return buffer.getvalue()


def _check_pdf(data: bytes) -> None:
    if not _PDF_TAIL.search(data):
        raise _invalid("The PDF has data after its end, or no end: upload the document alone.")
    try:
        reader = PdfReader(io.BytesIO(data), strict=True)
        if len(reader.pages) == 0:
            raise _invalid("The PDF has no pages.")
        catalog = reader.trailer["/Root"]
        names = catalog.get("/Names")
        scripted = any(key in catalog for key in _PDF_SCRIPT_KEYS) or (
            names is not None and "/JavaScript" in names.get_object()
        )
    except ValidationError:
        raise
    except (PdfReadError, KeyError, ValueError, TypeError, OSError, RecursionError):
        raise _invalid("The file starts like a PDF but is not a readable one.") from None
    if scripted:
        raise _invalid("PDFs that run scripts or actions when opened are not allowed.")


def upload_clean(upload: UploadedFile) -> CleanUpload:
    """The kind, type and clean bytes of an upload, judged by its bytes, never by its name."""
    if upload.size > settings.MEDIA_MAX_UPLOAD_SIZE:
        raise _invalid(f"The file exceeds the limit of {settings.MEDIA_MAX_UPLOAD_SIZE} bytes.")
    if upload.size == 0:
        raise _invalid("The file is empty.")
    upload.seek(0)
    data = upload.read()
    if _looks_like_markup(data[:2048]):
        # SVG and HTML can carry scripts; they are refused rather than sanitised.
        raise _invalid("SVG, XML and HTML files are not allowed.")
    if data.startswith(PDF_MAGIC):
        _check_pdf(data)
        return CleanUpload(MediaKind.DOCUMENT, "application/pdf", ContentFile(data))
    image = _open_image(data)
    if image is None:
        raise _invalid("Upload a JPEG, PNG, GIF or WebP image, or a PDF document.")
    with image:
        if image.format not in IMAGE_FORMATS:
            raise _invalid(f"Images must be JPEG, PNG, GIF or WebP, not {image.format}.")
        clean = _reencode(image)
        width, height = Image.open(io.BytesIO(clean)).size
        return CleanUpload(
            MediaKind.IMAGE, IMAGE_FORMATS[image.format], ContentFile(clean), width, height
        )
