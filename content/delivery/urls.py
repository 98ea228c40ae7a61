"""Delivery API, mounted under /api/v1/delivery/."""

from __future__ import annotations

from django.urls import path

from content.delivery import views

urlpatterns = [
    path("articles/", views.ArticleListView.as_view(), name="delivery-articles"),
    path("articles/<slug:slug>/", views.ArticleDetailView.as_view(), name="delivery-article"),
    path("pages/", views.PageListView.as_view(), name="delivery-pages"),
    path("pages/<int:pk>/", views.PageDetailView.as_view(), name="delivery-page"),
    path("categories/", views.CategoryListView.as_view(), name="delivery-categories"),
    path("tags/", views.TagListView.as_view(), name="delivery-tags"),
    path("media/<int:pk>/", views.MediaDetailView.as_view(), name="delivery-media"),
    path("redirects/", views.RedirectLookupView.as_view(), name="delivery-redirects"),
    path("preview/<str:token>/", views.PreviewView.as_view(), name="delivery-preview"),
]
