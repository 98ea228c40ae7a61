"""URLs for the browser tests: the real ones, plus uploaded media served from MEDIA_ROOT
(config.urls serves media only under DEBUG, and the live server runs without it)."""

from __future__ import annotations

import importlib

from django.conf import settings
from django.urls import re_path

import config.urls
from content.views.media_files import media_file

# When a runtime type changes, content.admin.runtime_entries re-imports the root URLconf
# (this module) so that the admin's patterns list the type's entries. config.urls reads
# admin.site.urls when it is imported, so it is re-read here, or the admin would keep
# the patterns of before the change (no /admin/entries/<type>/, a 500 on every page).
site = importlib.reload(config.urls)
handler400, handler404, handler500 = site.handler400, site.handler404, site.handler500

urlpatterns = [
    *site.urlpatterns,
    re_path(r"^media/(?P<path>.*)$", media_file, {"document_root": settings.MEDIA_ROOT}),
]
