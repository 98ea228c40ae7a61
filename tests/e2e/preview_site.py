"""URLs for the frontend preview test: the browser tests' own, plus a stand-in for a
frontend's preview page, served on another origin (127.0.0.1 where the admin is on
localhost). Like a real frontend, it reads the draft from Folio's delivery preview
endpoint over HTTP with the token it was given, and lets Folio's admin frame it."""

from __future__ import annotations

import json
from urllib.parse import quote
from urllib.request import urlopen

from csp.decorators import csp_exempt
from django.http import HttpResponse
from django.urls import path
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.views.decorators.clickjacking import xframe_options_exempt

from tests.e2e.urls import handler400, handler404, handler500
from tests.e2e.urls import urlpatterns as folio

__all__ = ["handler400", "handler404", "handler500", "urlpatterns"]


@csp_exempt()
@xframe_options_exempt
def site_preview(request):
    token = request.GET["token"]
    folio_url = f"http://localhost:{request.get_port()}/api/v1/delivery/preview/{quote(token)}/"
    with urlopen(folio_url, timeout=30) as answer:
        item = json.load(answer)
    paragraphs = [block["value"]["text"] for block in item["body"] if block["type"] == "paragraph"]
    # Body HTML fields come sanitised from Folio (README: HTML fields); the rest is escaped.
    body = mark_safe("".join(f"<p>{text}</p>" for text in paragraphs))  # noqa: S308
    return HttpResponse(
        format_html(
            '<!doctype html><title>{}</title><p class="site">The Harbour Gazette · {} {}</p>'
            '<h1 class="site-title">{}</h1><main>{}</main>',
            item["title"],
            request.GET.get("type"),
            request.GET.get("slug"),
            item["title"],
            body,
        )
    )


urlpatterns = [path("site/preview", site_preview), *folio]
