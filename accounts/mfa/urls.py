"""`auth/mfa/...` and `auth/token/mfa/`, included by accounts.urls under /api/v1/."""

from __future__ import annotations

from django.urls import path

from accounts.mfa import views

urlpatterns = [
    path("auth/token/mfa/", views.TokenMfaView.as_view(), name="auth-token-mfa"),
    path("auth/mfa/", views.MfaStatusView.as_view(), name="mfa-status"),
    path("auth/mfa/totp/", views.TotpBeginView.as_view(), name="mfa-totp"),
    path("auth/mfa/totp/confirm/", views.TotpConfirmView.as_view(), name="mfa-totp-confirm"),
    path("auth/mfa/recovery-codes/", views.RecoveryCodesView.as_view(), name="mfa-recovery-codes"),
    path("auth/mfa/devices/<str:device_id>/", views.DeviceView.as_view(), name="mfa-device"),
]
