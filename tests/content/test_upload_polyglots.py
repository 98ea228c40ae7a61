"""Polyglot uploads: what is stored is a clean image or a parsed PDF, never the bytes that
rode along, and uploads are served as downloads unless they are images."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.actions import JavaScript

from content import services
from content.models import MediaAsset
from tests.assertions import assert_error
from tests.content.factories import pdf_bytes, png_bytes

pytestmark = pytest.mark.django_db
PAYLOAD = b"<html><body><script>alert(document.domain)</script></body></html>"


def upload(client, content: bytes, name: str):
    return client.post(
        "/api/v1/media/", {"file": SimpleUploadedFile(name, content)}, format="multipart"
    )


def stored(response) -> bytes:
    assert response.status_code == 201, response.content
    return MediaAsset.objects.get(pk=response.json()["id"]).file.read()


def image_bytes(fmt: str, **save_options) -> bytes:
    image = Image.new("RGB", (24, 16), (200, 40, 90))
    out = io.BytesIO()
    image.save(out, format=fmt, **save_options)
    return out.getvalue()


def same_pixels(a: bytes, b: bytes) -> bool:
    first, second = Image.open(io.BytesIO(a)), Image.open(io.BytesIO(b))
    return (
        first.size == second.size
        and first.convert("RGB").tobytes() == second.convert("RGB").tobytes()
    )


def test_a_png_with_html_appended_is_stored_without_it(editor_client):
    original = png_bytes(20, 10, "blue")
    clean = stored(upload(editor_client, original + PAYLOAD, "cat.png"))
    assert b"<script" not in clean
    assert clean.endswith(b"IEND\xaeB`\x82")
    assert same_pixels(clean, original)


def test_a_gif_that_is_also_javascript_loses_its_script(editor_client):
    # A comment extension holding JS, and JS after the trailer: a classic GIF/JS polyglot.
    gif = image_bytes("GIF", comment=b"*/=alert(1);/*") + b"*/=alert(document.cookie)//"
    clean = stored(upload(editor_client, gif, "anim.gif"))
    assert b"alert" not in clean
    assert clean.startswith(b"GIF8")
    assert same_pixels(clean, gif)


def test_a_jpeg_with_a_script_comment_and_exif_is_stored_clean(editor_client):
    exif = Image.Exif()
    exif[0x010F] = "Camera with <script>alert(1)</script>"  # Make
    exif[0x8825] = {2: (52.0, 31.0, 0.0)}  # GPS latitude: where it was taken
    jpeg = image_bytes("JPEG", comment=b"<script>alert(1)</script>", exif=exif, quality=95)
    clean = stored(upload(editor_client, jpeg, "photo.jpg"))
    assert b"<script" not in clean
    reopened = Image.open(io.BytesIO(clean))
    assert reopened.format == "JPEG"
    assert "comment" not in reopened.info
    assert not reopened.getexif()


def test_the_exif_rotation_is_applied_before_the_exif_is_dropped(editor_client):
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display"
    jpeg = image_bytes("JPEG", exif=exif)  # stored 24x16, displayed 16x24
    response = upload(editor_client, jpeg, "portrait.jpg")
    assert (response.json()["width"], response.json()["height"]) == (16, 24)
    assert Image.open(io.BytesIO(stored(response))).size == (16, 24)


def test_an_animated_gif_keeps_its_frames(editor_client):
    frames = [Image.new("RGB", (10, 10), color) for color in ("red", "green", "blue")]
    out = io.BytesIO()
    frames[0].save(out, format="GIF", save_all=True, append_images=frames[1:], duration=80)
    clean = stored(upload(editor_client, out.getvalue() + PAYLOAD, "spin.gif"))
    assert Image.open(io.BytesIO(clean)).n_frames == 3


def test_the_same_upload_twice_is_one_asset(editor_client):
    polyglot = png_bytes(9, 9, "green") + PAYLOAD
    first = upload(editor_client, polyglot, "a.png")
    second = upload(editor_client, polyglot, "b.png")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]


def _pdf_with_javascript() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    writer.add_open_action(JavaScript("app.alert('hello');"))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"%PDF-1.7\n" + PAYLOAD, "after its end, or no end"),
        (b"%PDF-1.4\n%fake but magic\n%%EOF\n", "not a readable one"),
        (pdf_bytes() + PAYLOAD, "after its end"),
        (_pdf_with_javascript(), "run scripts"),
    ],
    ids=["pdf-magic-then-html", "pdf-magic-only", "pdf-then-html", "pdf-javascript"],
)
def test_pdfs_are_parsed_not_recognised_by_their_first_bytes(editor_client, content, message):
    error = assert_error(upload(editor_client, content, "doc.pdf"), 400, "validation_error")
    assert message in error["details"]["file"][0]
    assert not MediaAsset.objects.exists()


def test_media_is_served_nosniff_and_only_images_inline(client, settings, tmp_path):
    settings.ROOT_URLCONF = "tests.e2e.urls"
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    image, _ = services.media_upload(
        actor=None, file=SimpleUploadedFile("a.png", png_bytes(5, 5, "red"))
    )
    document, _ = services.media_upload(actor=None, file=SimpleUploadedFile("d.pdf", pdf_bytes()))
    image_response = client.get(image.file.url)
    assert image_response.status_code == 200
    assert image_response["X-Content-Type-Options"] == "nosniff"
    assert image_response["Content-Type"] == "image/png"
    assert not image_response.get("Content-Disposition", "").startswith("attachment")
    pdf_response = client.get(document.file.url)
    assert pdf_response["X-Content-Type-Options"] == "nosniff"
    assert pdf_response["Content-Disposition"].startswith("attachment; filename=")
    assert len(PdfReader(io.BytesIO(b"".join(pdf_response.streaming_content))).pages) == 1
