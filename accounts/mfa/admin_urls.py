"""The admin's sign-in steps, mounted at admin/ before the admin site's own URLs (the
password step replaces its `login`, under the same path)."""

from __future__ import annotations

from django.urls import path

from accounts.mfa import admin_signin

urlpatterns = [
    path("login/", admin_signin.admin_login, name="admin-login"),
    path("login/verify/", admin_signin.admin_mfa_verify, name="admin-mfa-verify"),
]
