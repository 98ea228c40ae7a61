"""The media library in the admin: the grid, the multi-upload endpoint, the focal point (set
by a click, used by fill crops) and "where used"."""

from __future__ import annotations

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from PIL import Image

from content import services
from content.models import MediaAsset, Reference, Rendition
from content.runtime.definitions import type_create
from content.services.grants import role_grant_create
from content.services.renditions import rendition_get_or_create
from content.types import entry_type
from governance.models import AuditEvent
from tests.accounts.factories import UserFactory
from tests.content.factories import ArticleFactory, make_category, make_image, pdf_bytes, png_bytes

pytestmark = pytest.mark.django_db

UPLOAD = "/admin/content/mediaasset/upload/"
LIBRARY = "/admin/content/mediaasset/"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
GREEN, WHITE, BLUE = (0, 160, 0), (255, 255, 255), (0, 0, 200)


def admin_client(role: str = "Editor", **kwargs) -> Client:
    client = Client()
    client.force_login(UserFactory(role=role, **kwargs))
    return client


def focal_url(asset) -> str:
    return reverse("admin:content_mediaasset_focal_point", args=[asset.pk])


def post_focal(client, asset, body) -> object:
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(focal_url(asset), data, content_type="application/json")


def three_bands() -> MediaAsset:
    """300x100: green, white and blue thirds, so a square crop shows which third it kept."""
    image = Image.new("RGB", (300, 100), WHITE)
    image.paste(GREEN, (0, 0, 100, 100))
    image.paste(BLUE, (200, 0, 300, 100))
    out = io.BytesIO()
    image.save(out, format="PNG")
    asset, _ = services.media_upload(
        actor=None, file=SimpleUploadedFile("bands.png", out.getvalue()), data={"title": "Bands"}
    )
    return asset


def crop_colour(asset, spec: str = "fill-100x100") -> tuple[int, int, int]:
    """The colour in the middle of the asset's `spec` crop (made now if missing)."""
    rendition = rendition_get_or_create(asset=MediaAsset.objects.get(pk=asset.pk), spec=spec)
    with rendition.file.open("rb") as handle, Image.open(handle) as image:
        assert image.size == (100, 100)
        return image.convert("RGB").getpixel((50, 50))


def close(colour, expected, tolerance: int = 12) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(colour, expected, strict=True))


# --- Focal point ---------------------------------------------------------------------------


def test_fill_crops_keep_the_focal_point_in_view():
    asset = three_bands()
    assert close(crop_colour(asset), WHITE)  # no focal point: the centre

    response = post_focal(admin_client(), asset, {"x": 0.9, "y": 0.5})
    assert response.status_code == 200, response.content
    asset.refresh_from_db()
    assert (asset.focal_point_x, asset.focal_point_y) == (270, 50)
    assert response.json()["focal_point"] == {"x": 0.9017, "y": 0.505}
    assert close(crop_colour(asset), BLUE)

    post_focal(admin_client(), asset, {"x": 0.05, "y": 0.2})
    assert close(crop_colour(asset), GREEN)


def test_a_new_focal_point_replaces_the_stored_crops_under_a_new_name():
    asset = three_bands()
    before = rendition_get_or_create(asset=asset, spec="fill-100x100")
    rendition_get_or_create(asset=asset, spec="max-50")

    response = post_focal(admin_client(), asset, {"x": 1, "y": 1})
    assert response.status_code == 200
    # Every stored rendition of the asset went; the next crop is made around the point,
    # under a name of its own (no browser or CDN keeps showing the old crop).
    assert not Rendition.objects.filter(asset=asset).exists()
    after = rendition_get_or_create(asset=MediaAsset.objects.get(pk=asset.pk), spec="fill-100x100")
    assert after.file.name != before.file.name
    assert "-at-299-99" in after.file.name
    event = AuditEvent.objects.filter(action="media.update", target_id=str(asset.pk)).get()
    assert event.changes["focal_point_x"] == [None, 299]


def test_clearing_the_focal_point_goes_back_to_the_centre():
    asset = three_bands()
    client = admin_client()
    post_focal(client, asset, {"x": 0.9, "y": 0.5})
    response = post_focal(client, asset, {"x": None, "y": None})
    assert response.status_code == 200
    assert response.json()["focal_point"] is None
    assert close(crop_colour(asset), WHITE)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"x": 1.5, "y": 0.5}, "x"),
        ({"x": 0.5, "y": -0.1}, "y"),
        ({"x": "0.5", "y": 0.5}, "x"),
        ({"x": True, "y": 0.5}, "x"),
        ({"x": 0.5, "y": None}, "y"),
        ('{"x": NaN, "y": 0.5}', "x"),
        ({"x": 0.5}, None),
        ({"x": 0.5, "y": 0.5, "z": 1}, None),
        ([0.5, 0.5], None),
        ("not json", None),
    ],
)
def test_bad_focal_points_are_400_and_change_nothing(body, field):
    asset = three_bands()
    response = post_focal(admin_client(), asset, body)
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["message"]
    if field:
        assert field in error["details"]
    asset.refresh_from_db()
    assert asset.focal_point_x is None


def test_a_document_has_no_focal_point():
    asset, _ = services.media_upload(actor=None, file=SimpleUploadedFile("a.pdf", pdf_bytes()))
    response = post_focal(admin_client(), asset, {"x": 0.5, "y": 0.5})
    assert response.status_code == 400
    assert "Only images" in response.json()["error"]["message"]


def test_focal_point_needs_the_change_permission_and_a_post():
    asset = three_bands()
    response = post_focal(admin_client("Viewer"), asset, {"x": 0.5, "y": 0.5})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert admin_client().get(focal_url(asset)).status_code == 405
    missing = reverse("admin:content_mediaasset_focal_point", args=[asset.pk + 1000])
    assert admin_client().post(missing, "{}", content_type="application/json").status_code == 404
    asset.refresh_from_db()
    assert asset.focal_point_x is None


def test_the_change_form_shows_the_picker_with_its_marker():
    asset = three_bands()
    client = admin_client()
    post_focal(client, asset, {"x": 0.25, "y": 0.75})
    html = client.get(reverse("admin:content_mediaasset_change", args=[asset.pk])).content.decode()
    assert 'id="focal-point"' in html
    assert 'data-x="0.2517" data-y="0.755"' in html
    assert "Focal point at 25% across, 76% down." in html
    assert 'name="focal_point_x"' not in html  # set by clicking, not typed


# --- Multi-upload endpoint ------------------------------------------------------------------


def upload(client, name: str, data: bytes, **fields):
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, data), **fields})


def test_several_files_upload_each_with_its_own_answer():
    client = admin_client()
    first = upload(client, "sea.png", png_bytes(40, 30, "blue"), alt_text="The sea")
    second = upload(client, "notes.pdf", pdf_bytes())
    refused = upload(client, "logo.svg", SVG)

    assert first.status_code == 201, first.content
    assert (first.json()["title"], first.json()["kind"], first.json()["width"]) == (
        "sea.png",
        "image",
        40,
    )
    assert first.json()["change_url"] == reverse(
        "admin:content_mediaasset_change", args=[first.json()["id"]]
    )
    assert second.status_code == 201
    assert second.json()["kind"] == "document"
    assert refused.status_code == 400
    reason = refused.json()["error"]["details"]["file"]
    assert reason == ["SVG, XML and HTML files are not allowed."]
    assert sorted(MediaAsset.objects.values_list("title", flat=True)) == ["notes.pdf", "sea.png"]
    assert MediaAsset.objects.get(title="sea.png").alt_text == "The sea"
    assert AuditEvent.objects.filter(action="media.upload").count() == 2


def test_the_same_bytes_again_answer_200_with_the_existing_asset():
    client = admin_client()
    data = png_bytes(10, 10, "green")
    created = upload(client, "a.png", data).json()
    again = upload(client, "b.png", data)
    assert again.status_code == 200
    assert again.json()["id"] == created["id"]
    assert again.json()["created"] is False


def test_upload_refusals_without_permission_or_file():
    response = upload(admin_client("Viewer"), "a.png", png_bytes())
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert not MediaAsset.objects.exists()
    assert admin_client().post(UPLOAD, {}).status_code == 400
    assert admin_client().get(UPLOAD).status_code == 405
    # Not signed in: the admin's login, not the endpoint.
    assert Client().post(UPLOAD, {}).status_code == 302


def test_authors_upload_too():
    response = upload(admin_client("Author"), "a.png", png_bytes(5, 5, "red"))
    assert response.status_code == 201


# --- The grid -------------------------------------------------------------------------------


def test_the_library_is_a_grid_of_thumbnails_with_search_and_a_list_toggle():
    client = admin_client()
    sea = make_image(title="Sea at dawn", width=40, height=30)
    make_image(title="Mountain")
    rendition_get_or_create(asset=sea, spec="fill-400x300")
    html = client.get(LIBRARY).content.decode()
    assert 'class="folio-media-grid result-list"' in html  # result-list: unfold's actions script
    assert 'id="media-uploader"' in html
    assert "Sea at dawn" in html
    assert "Mountain" in html
    assert "40\u00d730" in html  # 40 x 30 pixels
    # A stored crop is linked directly; one not made yet, through the view that makes it.
    assert Rendition.objects.get(asset=sea, spec="fill-400x300").file.url in html

    assert "Mountain" not in client.get(f"{LIBRARY}?q=dawn").content.decode()
    assert "Sea at dawn" not in client.get(f"{LIBRARY}?kind__exact=document").content.decode()

    toggled = client.get(f"{LIBRARY}?layout=list&q=dawn")
    assert toggled.status_code == 302
    assert toggled["Location"] == f"{LIBRARY}?q=dawn"
    listed = client.get(toggled["Location"]).content.decode()
    assert 'class="folio-media-grid result-list"' not in listed
    assert 'id="result_list"' in listed
    client.get(f"{LIBRARY}?layout=grid")
    assert 'class="folio-media-grid result-list"' in client.get(LIBRARY).content.decode()
    # Choosing an asset for a field (a popup): the list, whose rows pick it.
    popup = client.get(f"{LIBRARY}?_popup=1").content.decode()
    assert 'class="folio-media-grid result-list"' not in popup


def test_viewers_see_the_grid_without_the_uploader():
    make_image(title="Sea")
    html = admin_client("Viewer").get(LIBRARY).content.decode()
    assert "Sea" in html
    assert 'id="media-uploader"' not in html


def test_the_thumbnail_view_makes_the_crop_and_redirects_to_it():
    asset = make_image(title="Sea", width=40, height=30)
    url = reverse("admin:content_mediaasset_thumbnail", args=[asset.pk])
    response = admin_client("Viewer").get(url)
    assert response.status_code == 302
    rendition = Rendition.objects.get(asset=asset, spec="fill-400x300")
    assert response["Location"] == rendition.file.url


# --- Where used -----------------------------------------------------------------------------


def image_block(asset) -> dict:
    return {"type": "image", "value": {"image": asset.pk, "alt": "x"}}


def where_used_html(client, asset) -> str:
    html = client.get(reverse("admin:content_mediaasset_change", args=[asset.pk])).content
    html = html.decode()
    return html[html.index('id="where-used"') :]


def test_where_used_lists_articles_and_runtime_entries_with_links():
    asset = make_image(title="Harbour")
    cover = ArticleFactory(title="Harbour news", cover_image=asset.pk)
    body = ArticleFactory(title="Boats", body=[image_block(asset)])
    type_create(
        actor=None,
        data={
            "api_id": "gallery",
            "name": "Gallery",
            "fields": [
                {"api_id": "hero", "type": "media"},
                {"api_id": "story", "type": "rich_text"},
            ],
        },
    )
    gallery = entry_type("gallery").model
    hero = services.entry_create(
        model=gallery, actor=None, data={"title": "Hero shot", "hero": asset.pk}
    )
    story = services.entry_create(
        model=gallery, actor=None, data={"title": "Long read", "story": [image_block(asset)]}
    )
    ArticleFactory(title="Unrelated")

    html = where_used_html(admin_client(), asset)
    for entry, field in ((cover, "cover_image"), (body, "body"), (hero, "hero"), (story, "story")):
        opts = type(entry)._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[entry.pk])
        assert f'<a href="{url}">{entry.title}</a>' in html
        assert f"<td>{field}</td>" in html
    assert "Unrelated" not in html
    # In use: deleting it is refused.
    with pytest.raises(Exception, match="in use"):
        services.media_delete(asset=asset, actor=None)


def test_where_used_shows_only_what_the_user_may_view():
    news, sport = make_category("News"), make_category("Sport")
    asset = make_image(title="Stadium")
    ArticleFactory(title="Match report", category=sport, cover_image=asset.pk)
    ArticleFactory(title="Budget", category=news, cover_image=asset.pk)
    reader = UserFactory(email="news-reader@example.com")
    role_grant_create(actor=None, data={"user": reader, "role": "Viewer", "category": news})
    client = Client()
    client.force_login(reader)
    html = where_used_html(client, asset)
    assert ">Budget</a>" in html
    assert "Match report" not in html
    assert "1 item you may not view uses it." in html


def test_an_unused_asset_says_it_can_be_deleted():
    asset = make_image(title="Loose")
    assert "Not used anywhere" in where_used_html(admin_client(), asset)


def test_rebuild_references_restores_where_used_lost_or_never_recorded(capsys):
    """Uses recorded before a kind of reference existed come back with the command."""
    asset = make_image(title="Pier")
    type_create(
        actor=None,
        data={
            "api_id": "gallery",
            "name": "Gallery",
            "fields": [{"api_id": "hero", "type": "media"}],
        },
    )
    services.entry_create(
        model=entry_type("gallery").model, actor=None, data={"title": "Hero shot", "hero": asset.pk}
    )
    cover = ArticleFactory(title="Pier news", cover_image=asset.pk)
    services.entry_trash(entry=cover, actor=None)
    Reference.objects.all().delete()  # as on a database from before
    assert "Hero shot" not in where_used_html(admin_client(), asset)

    call_command("rebuild_references", "--batch-size", "1")

    html = where_used_html(admin_client(), asset)
    assert "Hero shot" in html
    assert "<td>hero</td>" in html
    assert "Pier news" in html  # the trash keeps what a trashed item uses
    assert "Rebuilt the references of 2 item(s)." in capsys.readouterr().out
    with pytest.raises(CommandError, match="at least 1"):
        call_command("rebuild_references", "--batch-size", "0")
