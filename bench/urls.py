"""Folio's URLs plus the floor: a bare Django JSON view served by the same stack.

The floor is mounted under the delivery prefix, ahead of the delivery routes, so it passes
through exactly what an anonymous delivery request passes through (middleware that acts
on /api/ paths included) and nothing else.
"""

from __future__ import annotations

from django.http import JsonResponse
from django.urls import path

from config.urls import handler404, handler500  # noqa: F401
from config.urls import urlpatterns as folio_urlpatterns


def floor(request):
    return JsonResponse({"results": [], "next": None, "previous": None})


urlpatterns = [path("api/v1/delivery/bench-floor/", floor), *folio_urlpatterns]
