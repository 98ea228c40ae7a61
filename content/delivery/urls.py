"""Delivery API, mounted under /api/v1/delivery/.

Every code-defined type has its routes, built once here from its registration
(content.delivery.entries.EntryDelivery.urls): `<plural>/` and `<plural>/<slug>/` unless
its delivery says otherwise (pages: `pages/?path=` and `pages/<id>/`). Types defined as
data change while the process runs: they share `entries/<api_id>/` and
`entries/<api_id>/<slug>/`, resolved per request (content.delivery.runtime).
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.urls import URLPattern, path, re_path

from content.delivery import flags, runtime_schema, views
from content.delivery.registry import entry_deliveries
from content.delivery.runtime import API_ID, RuntimeEntryDetailView, RuntimeEntryListView
from content.runtime.schema import per_runtime_type

shared = [
    path("categories/", views.CategoryListView.as_view(), name="delivery-categories"),
    path("tags/", views.TagListView.as_view(), name="delivery-tags"),
    path("media/<int:pk>/", views.MediaDetailView.as_view(), name="delivery-media"),
    path("redirects/", views.RedirectLookupView.as_view(), name="delivery-redirects"),
    path("preview/<str:token>/", views.PreviewView.as_view(), name="delivery-preview"),
    path("flags/", flags.FlagListView.as_view(), name="delivery-flags"),
    re_path(
        rf"^entries/(?P<api_id>{API_ID})/$",
        RuntimeEntryListView.as_view(),
        name="delivery-entries",
    ),
    re_path(
        rf"^entries/(?P<api_id>{API_ID})/(?P<slug>[-a-zA-Z0-9_]+)/$",
        RuntimeEntryDetailView.as_view(),
        name="delivery-entry",
    ),
]


def _type_routes() -> list[URLPattern]:
    """Every registered type's routes; a plural the shared routes use is refused (one of
    them would shadow the other)."""
    taken = {str(route.pattern).lstrip("^").split("/", 1)[0] for route in shared}
    routes: list[URLPattern] = []
    for delivery in entry_deliveries():
        if delivery.entry_type.runtime:  # routed by entries/<api_id>/, per request
            continue
        if delivery.plural in taken:
            raise ImproperlyConfigured(f"{delivery.kind}: delivery/{delivery.plural}/ is taken.")
        routes += delivery.urls()
    return routes


urlpatterns = [*_type_routes(), *shared]

# The schema shows the entries/ routes once per runtime type (entries/concert/, ...), typed.
per_runtime_type(
    RuntimeEntryListView, lambda t: runtime_schema.list_view_for(RuntimeEntryListView, t)
)
per_runtime_type(
    RuntimeEntryDetailView, lambda t: runtime_schema.detail_view_for(RuntimeEntryDetailView, t)
)
