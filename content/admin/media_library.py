"""The media library's own admin endpoints and views, mixed into MediaAssetAdmin:

- the changelist as a grid of thumbnails (or the plain list), the editor's choice kept in
  the session;
- `upload/`: one file per request, for the drag-and-drop uploader (the browser sends
  several files side by side, each with its own progress bar); it calls the same media
  service as every other upload, so what is refused, and why, is the same;
- `<id>/focal-point/`: set or clear the focal point from a click on the preview;
- `<id>/thumbnail/`: the grid's rendition, made on first request, then a redirect to it.

The endpoints answer JSON in the API's error format ({"error": {code, message,
details}}), so the page can show each refusal's reason next to its file.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect, JsonResponse
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_POST

from content.admin.widgets import THUMBNAIL_SPEC, asset_url
from content.models import MediaAsset, MediaKind
from content.services import media as media_services
from content.services.renditions import rendition_get_or_create
from core.admin_services import json_error, json_refusal
from core.admin_urls import model_admin_url

# The grid shows the pre-generated 4:3 crop (content.tasks makes it after each upload), so
# the grid follows the focal point and costs no extra rendition per image.
GRID_SPEC = THUMBNAIL_SPEC
LAYOUTS = ("grid", "list")
LAYOUT_SESSION_KEY = "folio_media_layout"
UPLOAD_FIELDS = ("title", "alt_text", "caption", "credit")


def grid_thumbnail_url(asset: MediaAsset) -> str | None:
    """The grid tile's image: the stored crop when it exists (prefetched renditions), else
    the view that makes it; None for documents."""
    if asset.kind != MediaKind.IMAGE:
        return None
    for rendition in asset.renditions.all():
        if rendition.spec == GRID_SPEC:
            return rendition.file.url
    return reverse("admin:content_mediaasset_thumbnail", args=[asset.pk])


def asset_json(asset: MediaAsset, *, created: bool | None = None) -> dict[str, Any]:
    data = {
        "id": asset.pk,
        "title": asset.title,
        "kind": asset.kind,
        "size": asset.size,
        "width": asset.width,
        "height": asset.height,
        "alt_text": asset.alt_text,
        "url": asset_url(asset),  # the body editor's image (content/chooser.js)
        "change_url": reverse("admin:content_mediaasset_change", args=[asset.pk]),
        "thumbnail_url": grid_thumbnail_url(asset),
        "focal_point": focal_fractions(asset),
    }
    if created is not None:
        data["created"] = created
    return data


def focal_fractions(asset: MediaAsset) -> dict[str, float] | None:
    """The focal point as fractions of the image (the centre of its pixel), or None."""
    if asset.focal_point_x is None or asset.focal_point_y is None or not asset.width:
        return None
    return {
        "x": round((asset.focal_point_x + 0.5) / asset.width, 4),
        "y": round((asset.focal_point_y + 0.5) / asset.height, 4),
    }


class MediaLibraryMixin:
    """MediaAssetAdmin's library: grid layout, multi-upload, focal point, thumbnails."""

    def library_urls(self) -> list:
        wrap = self.admin_site.admin_view
        return [
            path("upload/", wrap(require_POST(self.upload_view)), name="content_mediaasset_upload"),
            path(
                "<path:object_id>/focal-point/",
                wrap(require_POST(self.focal_point_view)),
                name="content_mediaasset_focal_point",
            ),
            path(
                "<path:object_id>/thumbnail/",
                wrap(require_GET(self.thumbnail_view)),
                name="content_mediaasset_thumbnail",
            ),
        ]

    # --- The changelist: grid or list ------------------------------------------------

    def media_layout(self, request) -> str:
        if IS_POPUP_VAR in request.GET:
            return "list"  # choosing an asset for a field: the list's rows pick it
        return request.session.get(LAYOUT_SESSION_KEY, "grid")

    def changelist_view(self, request, extra_context=None):
        layout = request.GET.get("layout")
        if layout is not None:
            # Remembered, then dropped from the query: the changelist would take an unknown
            # parameter for a filter and refuse it.
            if layout in LAYOUTS:
                request.session[LAYOUT_SESSION_KEY] = layout
            query = request.GET.copy()
            del query["layout"]
            return HttpResponseRedirect(f"{request.path}?{query.urlencode()}".rstrip("?"))
        context = {
            "media_layout": self.media_layout(request),
            "media_upload_url": reverse("admin:content_mediaasset_upload"),
            "media_max_upload_size": settings.MEDIA_MAX_UPLOAD_SIZE,
            **(extra_context or {}),
        }
        response = super().changelist_view(request, context)
        cl = getattr(response, "context_data", {}).get("cl")
        if cl is not None:
            response.context_data["media_tiles"] = [
                {"asset": asset, "thumbnail_url": grid_thumbnail_url(asset)}
                for asset in cl.result_list
            ]
        return response

    # --- Endpoints -------------------------------------------------------------------

    def upload_view(self, request):
        """POST one file (multipart `file`, optional title, alt_text, caption, credit):
        201 with the new asset, 200 when the same bytes were already in the library."""
        if not self.has_add_permission(request):
            return json_error(403, "permission_denied", "You may not upload media.")
        upload = request.FILES.get("file")
        if upload is None or len(request.FILES.getlist("file")) != 1:
            return json_error(
                400, "validation_error", "Send one file as `file`.", {"file": ["Required."]}
            )
        data = {k: request.POST[k].strip() for k in UPLOAD_FIELDS if request.POST.get(k)}
        try:
            asset, created = media_services.media_upload(actor=request.user, file=upload, data=data)
        except (ValidationError, PermissionDenied) as exc:
            return json_refusal(exc)
        return JsonResponse(asset_json(asset, created=created), status=201 if created else 200)

    def focal_point_view(self, request, object_id):
        """POST {"x": 0..1, "y": 0..1} (fractions from the top left), or both null to clear."""
        asset = self.get_object(request, unquote(object_id))
        if asset is None:
            return json_error(404, "not_found", "No such media.")
        if not self.has_change_permission(request, asset):
            return json_error(403, "permission_denied", "You may not change this media.")
        try:
            body = json.loads(request.body or b"null")
        except (ValueError, UnicodeDecodeError):
            return json_error(400, "parse_error", "The body must be JSON.")
        if not isinstance(body, dict) or set(body) != {"x", "y"}:
            return json_error(400, "validation_error", 'Send {"x": 0..1, "y": 0..1}, or both null.')
        try:
            asset = media_services.media_focal_point_set(
                asset=asset, actor=request.user, x=body["x"], y=body["y"]
            )
        except (ValidationError, PermissionDenied) as exc:
            return json_refusal(exc)
        return JsonResponse(asset_json(asset))

    def thumbnail_view(self, request, object_id):
        """Redirect to the grid's crop of an image, making it first if needed."""
        asset = self.get_object(request, unquote(object_id))
        if asset is None or not self.has_view_permission(request, asset):
            return json_error(404, "not_found", "No such media.")
        if asset.kind != MediaKind.IMAGE:
            return json_error(404, "not_found", "Documents have no thumbnail.")
        rendition = rendition_get_or_create(asset=asset, spec=GRID_SPEC)
        response = HttpResponseRedirect(rendition.file.url)
        # The crop (and its file name) changes with the focal point: ask every time.
        response["Cache-Control"] = "private, no-cache"
        return response

    # --- The change form: focal point and where used ---------------------------------

    def library_change_context(self, request, asset: MediaAsset) -> dict[str, Any]:
        from content.selectors import media_where_used

        uses, hidden = media_where_used(asset=asset, viewer=request.user)
        return {
            "media_uses": [
                {"use": use, "url": model_admin_url(use.model, "change", use.id)} for use in uses
            ],
            "media_uses_hidden": hidden,
            "media_focal": {
                "enabled": asset.kind == MediaKind.IMAGE and bool(asset.width),
                "image_url": asset_url(asset),
                "crop_url": reverse("admin:content_mediaasset_thumbnail", args=[asset.pk]),
                "endpoint": reverse("admin:content_mediaasset_focal_point", args=[asset.pk]),
                "point": focal_fractions(asset),
                "can_change": self.has_change_permission(request, asset),
            },
        }
