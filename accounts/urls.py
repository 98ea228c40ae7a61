"""Accounts API, mounted under /api/v1/."""

from __future__ import annotations

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from accounts import views, views_sessions
from accounts.passkeys import api as passkeys_api

router = SimpleRouter()
router.register("users", views.UserViewSet, basename="user")
router.register("api-keys", views.ApiKeyViewSet, basename="api-key")

urlpatterns = [
    path("auth/token/", views.TokenObtainView.as_view(), name="auth-token"),
    # Two-factor sign-in: auth/token/mfa/ and auth/mfa/... (docs/security.md).
    path("", include("accounts.mfa.urls")),
    path("auth/token/refresh/", views.TokenRefreshRotateView.as_view(), name="auth-token-refresh"),
    path("auth/logout/", views.LogoutView.as_view(), name="auth-logout"),
    path("auth/sessions/", views_sessions.SessionListView.as_view(), name="auth-sessions"),
    path(
        "auth/sessions/<str:session_id>/",
        views_sessions.SessionDetailView.as_view(),
        name="auth-session",
    ),
    path("auth/mfa/passkeys/", passkeys_api.PasskeyListView.as_view(), name="auth-passkeys"),
    path(
        "auth/mfa/passkeys/<str:passkey_id>/",
        passkeys_api.PasskeyDetailView.as_view(),
        name="auth-passkey",
    ),
    path("auth/me/", views.MeView.as_view(), name="auth-me"),
    path("auth/password/change/", views.PasswordChangeView.as_view(), name="auth-password-change"),
    path("auth/password/reset/", views.PasswordResetView.as_view(), name="auth-password-reset"),
    path(
        "auth/password/reset/confirm/",
        views.PasswordResetConfirmView.as_view(),
        name="auth-password-reset-confirm",
    ),
    *router.urls,
]
