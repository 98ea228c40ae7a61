"""URLs for the browser tests: the real ones, plus uploaded media served from MEDIA_ROOT
(config.urls serves media only under DEBUG, and the live server runs without it)."""

from __future__ import annotations

from django.conf import settings
from django.urls import re_path

from config.urls import handler400, handler404, handler500  # noqa: F401
from config.urls import urlpatterns as site_urls
from content.views.media_files import media_file

urlpatterns = [
    *site_urls,
    re_path(r"^media/(?P<path>.*)$", media_file, {"document_root": settings.MEDIA_ROOT}),
]
