"""Wagtail's API v2 (its documented router) and v3, the floor, and Wagtail's page serving."""

from django.http import JsonResponse
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.api.v3.urls import api as api_v3

api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", PagesAPIViewSet)


def floor(request):
    """The same bare JSON view as Folio's floor, through Wagtail's stock middleware."""
    return JsonResponse({"results": [], "next": None, "previous": None})


urlpatterns = [
    path("bench-floor/", floor),
    path("api/v2/", api_router.urls),
    path("api/v3/", api_v3.urls),
    path("", include(wagtail_urls)),
]
