"""Delivery under a release preview token: every read endpoint answers as if the release were
published now (content.services.release_preview).

A frontend sends the token as the `X-Folio-Release-Preview` header, or as the
`release_preview` query parameter (kept in a list's `next` and `previous` links). The
request is then served inside `release_applied`: the release's publish has run, the
endpoint reads the read model it left, and all of it is rolled back once the body is built.
There is no second way of answering: lists, filters, search, details, the page tree, the
sitemap and the feed are the endpoints' own code.

Nothing of a preview is kept: its responses are never read from nor stored in the
response cache (either tier), the content version does not move, no event or webhook
leaves (they wait for a commit that never comes), and they are `private, no-store` with no
validators, so no shared cache keeps one and no 304 answers one. Public responses name the
header in `Vary`, so a shared cache never answers a preview request with a public response.
Headers of a preview: `X-Folio-Release` (the release's id) and, when the publish would
refuse some items (left as they are), `X-Folio-Release-Blocked` ("article-12 page-3").
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.db import OperationalError
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import APIException, ValidationError

from content.delivery.query import RELEASE_PREVIEW
from content.delivery.throttling import DeliveryThrottle
from content.services.release_preview import (
    ReleasePreview,
    release_applied,
    release_preview_load,
)
from core.exceptions import api_error_response

if TYPE_CHECKING:
    from content.delivery.endpoint import DeliveryView

HEADER = "X-Folio-Release-Preview"
META = "HTTP_X_FOLIO_RELEASE_PREVIEW"
PARAM = RELEASE_PREVIEW
PRIVATE = "private, no-store"
# What a client may hold that would turn a preview into a 304.
_CONDITIONS = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE")


def schema_parameters() -> list[OpenApiParameter]:
    """The token's two ways in, as every delivery operation documents them."""
    about = (
        "A release preview token (POST releases/{id}/preview-token/): the answer is what it "
        "would be were the release published now, `Cache-Control: private, no-store`, with "
        "`X-Folio-Release` and, for items the publish would refuse (left as they are), "
        "`X-Folio-Release-Blocked`. A bad or expired token is a 403, a deleted release a 404, "
        "one no longer open a 409."
    )
    return [
        OpenApiParameter(HEADER, OpenApiTypes.STR, OpenApiParameter.HEADER, description=about),
        OpenApiParameter(PARAM, OpenApiTypes.STR, description=f"The same token, as {HEADER}."),
    ]


def asked(meta: dict[str, Any]) -> bool:
    """Whether a request may carry a token: the one cheap check ordinary requests pay (the
    query string is only searched, not parsed; `token_of` decides)."""
    return META in meta or PARAM in meta.get("QUERY_STRING", "")


def token_of(request) -> str | None:
    """The token sent (the header wins), or None when the request has none after all."""
    token = request.META.get(META)
    if token is not None:
        return token
    values = request.GET.getlist(PARAM)
    if len(values) > 1:
        raise ValidationError({PARAM: ["Give this parameter once."]})
    return values[0] if values else None


def answer(body: bytes) -> HttpResponse:
    """A preview's body as a response (`mark` adds its headers)."""
    return HttpResponse(body, content_type="application/json")


def mark(response: HttpResponse, preview: ReleasePreview | None, blocked: list[str]):
    """A preview's headers (an error's too): never kept by any cache, never validated."""
    response["Cache-Control"] = PRIVATE
    for name in ("ETag", "Last-Modified", "Surrogate-Key", "Expires"):
        del response[name]
    patch_vary_headers(response, (HEADER,))
    if preview is not None:
        response["X-Folio-Release"] = str(preview.release.pk)
    if blocked:
        response["X-Folio-Release-Blocked"] = " ".join(blocked)[:8000]
    return response


class PreviewBusy(APIException):
    """The release's items were locked by other writers past a retry: 503, try again."""

    status_code = 503
    default_detail = "Other changes hold this release's items right now; try again shortly."
    default_code = "release_preview_busy"


def _contended(exc: OperationalError) -> bool:
    """A deadlock or lock timeout (PostgreSQL), or SQLite's busy database: worth a retry."""
    state = getattr(exc.__cause__, "sqlstate", None)
    return state in ("40P01", "55P03") or "database is locked" in str(exc)


def _answer(preview: ReleasePreview, respond: Callable[[], HttpResponse]):
    with release_applied(preview) as blocked:
        response = respond()
        if hasattr(response, "render") and not response.is_rendered:
            response.render()  # a template response reads the database as it renders
    return response, blocked


def _rehearse(request, preview: ReleasePreview, respond: Callable[[], HttpResponse]):
    """`respond()` inside the release's rehearsal, rendered there; and what it left out.
    Two previews locking shared items in another order may deadlock: one is retried."""
    for name in _CONDITIONS:
        request.META.pop(name, None)
    retries = 1
    while True:
        try:
            return _answer(preview, respond)
        except OperationalError as exc:
            if not _contended(exc):
                raise
            if not retries:
                raise PreviewBusy() from exc
            retries -= 1


def serve(request, respond: Callable[[], HttpResponse], view: DeliveryView | None = None):
    """The answer under the token the request carries, or its refusal in the error format:
    a delivery endpoint's (`view`), or a public view's outside the API (the sitemap, the
    feed). An endpoint no release changes (taxonomy, media) only checks the token, and
    answers as usual."""
    try:
        token = token_of(request)
        preview = release_preview_load(token) if token is not None else None
    except Exception as exc:
        return mark(api_error_response(request, exc, view), None, [])
    if preview is None or (view is not None and not view.follows_releases):
        return respond()  # None: the query string only mentioned the name
    blocked: list[str] = []
    if view is not None:
        view.previewing = preview
    try:
        DeliveryThrottle().check(request)  # before the work, not after it
        response, blocked = _rehearse(request, preview, respond)
    except Exception as exc:
        response = api_error_response(request, exc, view)
    finally:
        if view is not None:
            view.previewing = None
    return mark(response, preview, blocked)


def previewable(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A public view outside the delivery API (the sitemap, the feed) that answers a release
    preview as delivery does; without a token, it only adds the header to `Vary`."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        def public() -> HttpResponse:
            response = view(request, *args, **kwargs)
            patch_vary_headers(response, (HEADER,))
            return response

        return serve(request, public) if asked(request.META) else public()

    return wrapped
