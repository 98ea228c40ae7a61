"""Delivery API, mounted under /api/v1/delivery/.

Every registered type has its routes, built once here from its registration
(content.delivery.entries.EntryDelivery.urls): `<plural>/` and `<plural>/<slug>/` unless
its delivery says otherwise (pages: `pages/?path=` and `pages/<id>/`).
"""

from __future__ import annotations

from django.urls import path

from content.delivery import views
from content.delivery.registry import entry_deliveries

urlpatterns = [
    *(route for delivery in entry_deliveries() for route in delivery.urls()),
    path("categories/", views.CategoryListView.as_view(), name="delivery-categories"),
    path("tags/", views.TagListView.as_view(), name="delivery-tags"),
    path("media/<int:pk>/", views.MediaDetailView.as_view(), name="delivery-media"),
    path("redirects/", views.RedirectLookupView.as_view(), name="delivery-redirects"),
    path("preview/<str:token>/", views.PreviewView.as_view(), name="delivery-preview"),
]
