"""Folio's URLs plus the floor: a bare Django JSON view served by the same stack."""

from __future__ import annotations

from django.http import JsonResponse
from django.urls import path

from config.urls import handler404, handler500  # noqa: F401
from config.urls import urlpatterns as folio_urlpatterns


def floor(request):
    return JsonResponse({"results": [], "next": None, "previous": None})


urlpatterns = [path("bench/floor/", floor), *folio_urlpatterns]
