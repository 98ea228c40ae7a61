"""Media uploads (and attacks on them), dedup, renditions, usage and deletion."""

from __future__ import annotations

import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from content import services
from content.models import Article, MediaAsset, Rendition
from content.services.renditions import spec_parse
from tests.assertions import assert_error
from tests.content.factories import ArticleFactory, make_image, pdf_bytes, png_bytes

pytestmark = pytest.mark.django_db


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def bomb_png(width: int = 100_000, height: int = 100_000) -> bytes:
    """A ~60-byte PNG whose header declares billions of pixels."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 16)
    return (
        b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")
    )


SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
)


def upload(client, content: bytes, name: str = "file.png", **fields):
    return client.post(
        "/api/v1/media/",
        {"file": SimpleUploadedFile(name, content), **fields},
        format="multipart",
    )


def test_upload_image_records_dimensions_and_hash(editor_client):
    response = upload(editor_client, png_bytes(40, 30), title="Cat", alt_text="A cat")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["kind"], body["width"], body["height"]) == ("image", 40, 30)
    assert body["mime_type"] == "image/png"
    assert len(body["sha256"]) == 64
    assert body["title"] == "Cat"
    assert body["alt_text"] == "A cat"


def test_same_bytes_return_the_existing_asset(editor_client):
    data = png_bytes(10, 10, "blue")
    first = upload(editor_client, data, name="a.png")
    second = upload(editor_client, data, name="b.png")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert MediaAsset.objects.count() == 1


def test_a_real_pdf_is_stored_byte_for_byte(editor_client):
    document = pdf_bytes(pages=2)
    response = upload(editor_client, document, name="doc.bin")
    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "document"
    assert response.json()["mime_type"] == "application/pdf"
    asset = MediaAsset.objects.get(pk=response.json()["id"])
    assert asset.file.read() == document


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"just some text pretending", "fake.png"),
        (b"\x89PNG\r\n\x1a\n" + b"garbage" * 10, "truncated.png"),
        (SVG, "logo.svg"),
        (SVG, "logo.png"),
        (b"<svg onload=alert(1)>", "x.jpg"),
        (b"<html><script>alert(1)</script></html>", "page.gif"),
        (bomb_png(), "bomb.png"),
        (bomb_png(20_000, 20_000), "bomb2.png"),
    ],
    ids=["text-as-png", "truncated-png", "svg", "svg-as-png", "bare-svg", "html", "bomb", "bomb-2"],
)
def test_upload_attacks_are_400_never_500(editor_client, content, name):
    response = upload(editor_client, content, name=name)
    error = assert_error(response, 400, "validation_error")
    assert "file" in error["details"]
    assert not MediaAsset.objects.exists()


def test_oversized_upload_refused(editor_client, settings):
    settings.MEDIA_MAX_UPLOAD_SIZE = 500
    big = png_bytes(200, 200, "green") + b"\x00" * 600
    response = upload(editor_client, big)
    assert response.status_code in (400, 413)
    assert_error(response, response.status_code)
    with pytest.raises(ValidationError, match="exceeds"):
        services.media_upload(actor=None, file=SimpleUploadedFile("x.png", big))


def test_authors_upload_viewers_do_not(client_for):
    assert upload(client_for("Author"), png_bytes(3, 3, "white")).status_code == 201
    assert_error(upload(client_for("Viewer"), png_bytes(4, 4, "white")), 403)
    assert_error(upload(client_for("anonymous"), png_bytes(5, 5, "white")), 401)


def test_delete_in_use_is_409_and_usage_lists_users(editor_client, editor):
    image = make_image()
    article = services.entry_create(
        model=Article,
        actor=editor,
        data={"title": "Uses it", "body": [{"type": "image", "value": {"image": image.pk}}]},
    )
    usage = editor_client.get(f"/api/v1/media/{image.pk}/usage/").json()
    assert usage["results"] == [
        {
            "type": "article",
            "id": article.pk,
            "title": "Uses it",
            "status": "draft",
            "trashed": False,
            "field": "body",
        }
    ]
    assert_error(editor_client.delete(f"/api/v1/media/{image.pk}/"), 409, "conflict")
    services.entry_update(entry=article, actor=editor, data={"body": []})
    assert editor_client.delete(f"/api/v1/media/{image.pk}/").status_code == 204
    assert not MediaAsset.objects.filter(pk=image.pk).exists()


def test_live_revision_keeps_media_in_use(editor):
    image = make_image()
    article = ArticleFactory(body=[{"type": "image", "value": {"image": image.pk}}], published=True)
    services.entry_update(entry=article, actor=editor, data={"body": []})
    with pytest.raises(Exception, match="in use"):
        services.media_delete(asset=image, actor=editor)


def test_metadata_update_and_focal_point_bounds(editor_client):
    image = make_image(width=20, height=10)
    response = editor_client.patch(
        f"/api/v1/media/{image.pk}/", {"alt_text": "New alt", "focal_point_x": 5}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["alt_text"] == "New alt"
    bad = editor_client.patch(f"/api/v1/media/{image.pk}/", {"focal_point_x": 50}, format="json")
    assert_error(bad, 400)
    unknown = editor_client.patch(f"/api/v1/media/{image.pk}/", {"sha256": "x"}, format="json")
    assert_error(unknown, 400)


@pytest.mark.parametrize(
    ("spec", "size", "fmt"),
    [
        ("fill-4x4", (4, 4), "PNG"),
        ("max-10", (10, 5), "PNG"),
        ("max-100", (20, 10), "PNG"),
        ("width-8", (8, 4), "PNG"),
        ("height-5", (10, 5), "PNG"),
        ("format-webp", (20, 10), "WEBP"),
        ("fill-6x6|format-jpeg", (6, 6), "JPEG"),
    ],
)
def test_renditions(spec, size, fmt):
    image = make_image(width=20, height=10)
    rendition = services.rendition_get_or_create(asset=image, spec=spec)
    assert (rendition.width, rendition.height) == size
    with rendition.file.open("rb") as handle, Image.open(handle) as img:
        assert img.format == fmt
        assert img.size == size
    again = services.rendition_get_or_create(asset=image, spec=spec)
    assert again.pk == rendition.pk


@pytest.mark.parametrize(
    "spec",
    [
        "",
        "fill-0x10",
        "max-99999",
        "rotate-90",
        "width-10|height-10",
        "format-gif",
        "format-webp|format-png",
        "fill-10x10;drop table",
    ],
)
def test_bad_rendition_specs(spec):
    with pytest.raises(ValidationError):
        spec_parse(spec)


def test_upload_pregenerates_renditions(editor, django_capture_on_commit_callbacks, settings):
    settings.MEDIA_PREGENERATE_RENDITIONS = ["max-4", "width-2|format-webp"]
    with django_capture_on_commit_callbacks(execute=True):
        image = make_image(actor=editor, width=12, height=8)
    assert set(Rendition.objects.filter(asset=image).values_list("spec", flat=True)) == {
        "max-4x4",
        "width-2|format-webp",
    }
