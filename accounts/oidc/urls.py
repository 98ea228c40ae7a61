"""Single sign-on's two pages, mounted under /admin/oidc/ in config/urls.py."""

from __future__ import annotations

from django.urls import path

from accounts.oidc import admin_panel, views

urlpatterns = [
    path("login/", views.oidc_login, name="oidc-login"),
    path("callback/", views.oidc_callback, name="oidc-callback"),
    path("unlink/<int:pk>/", admin_panel.oidc_identity_unlink_view, name="oidc-unlink"),
]
