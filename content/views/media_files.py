"""Uploaded files served by Folio itself (development, the browser tests), the way the
proxy or object storage must serve them in production (docs/operations.md): with
`X-Content-Type-Options: nosniff`, and only images inline. A PDF or anything else is a
download, so no browser renders an upload as a page of this site."""

from __future__ import annotations

from pathlib import Path

from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from django.views.static import serve


def media_file(request: HttpRequest, path: str, document_root: str) -> HttpResponse:
    response = serve(request, path, document_root=document_root)
    response["X-Content-Type-Options"] = "nosniff"
    if not response.get("Content-Type", "").startswith("image/"):
        response["Content-Disposition"] = content_disposition_header(True, Path(path).name)
    return response
