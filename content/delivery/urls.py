"""Delivery API, mounted under /api/v1/delivery/.

Every registered type has its routes, built once here from its registration
(content.delivery.entries.EntryDelivery.urls): `<plural>/` and `<plural>/<slug>/` unless
its delivery says otherwise (pages: `pages/?path=` and `pages/<id>/`).
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.urls import URLPattern, path

from content.delivery import views
from content.delivery.registry import entry_deliveries

shared = [
    path("categories/", views.CategoryListView.as_view(), name="delivery-categories"),
    path("tags/", views.TagListView.as_view(), name="delivery-tags"),
    path("media/<int:pk>/", views.MediaDetailView.as_view(), name="delivery-media"),
    path("redirects/", views.RedirectLookupView.as_view(), name="delivery-redirects"),
    path("preview/<str:token>/", views.PreviewView.as_view(), name="delivery-preview"),
]


def _type_routes() -> list[URLPattern]:
    """Every registered type's routes; a plural the shared routes use is refused (one of
    them would shadow the other)."""
    taken = {str(route.pattern).split("/", 1)[0] for route in shared}
    routes: list[URLPattern] = []
    for delivery in entry_deliveries():
        if delivery.plural in taken:
            raise ImproperlyConfigured(f"{delivery.kind}: delivery/{delivery.plural}/ is taken.")
        routes += delivery.urls()
    return routes


urlpatterns = [*_type_routes(), *shared]
