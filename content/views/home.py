"""Folio's own page at `/`: where the admin, the API docs and the health checks are.

Folio is a backend; the public site is the frontend. The admin's "View site" leads to
the frontend when one is configured (FRONTEND_BASE_URL), and here otherwise.
"""

from __future__ import annotations

from django.conf import settings
from django.template.response import TemplateResponse
from django.views.decorators.http import require_safe

from content.frontend import frontend_base


@require_safe
def home(request):
    """A small page of links for whoever opens Folio's address."""
    return TemplateResponse(
        request,
        "folio/home.html",
        {"frontend_url": frontend_base(settings.CONTENT_DEFAULT_LOCALE)},
    )
