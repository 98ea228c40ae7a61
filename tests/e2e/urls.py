"""URLs for the browser tests: the real ones, plus uploaded media served from MEDIA_ROOT
(config.urls serves media only under DEBUG, and the live server runs without it)."""

from __future__ import annotations

from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from config.urls import handler404, handler500  # noqa: F401
from config.urls import urlpatterns as site_urls


def media(request, path):
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [*site_urls, re_path(r"^media/(?P<path>.*)$", media)]
