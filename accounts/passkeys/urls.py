"""django-otp-webauthn's ceremony endpoints (Folio's subclasses, under the library's URL
names, which its template tags reverse), mounted at /passkeys/ by config.urls."""

from __future__ import annotations

from django.urls import path
from django.views.i18n import JavaScriptCatalog

from accounts.passkeys import ceremony

app_name = "otp_webauthn"

urlpatterns = [
    path(
        "registration/begin/",
        ceremony.BeginRegistrationView.as_view(),
        name="credential-registration-begin",
    ),
    path(
        "registration/complete/",
        ceremony.CompleteRegistrationView.as_view(),
        name="credential-registration-complete",
    ),
    path(
        "authentication/begin/",
        ceremony.BeginAuthenticationView.as_view(),
        name="credential-authentication-begin",
    ),
    path(
        "authentication/complete/",
        ceremony.CompleteAuthenticationView.as_view(),
        name="credential-authentication-complete",
    ),
    # The messages the library's scripts show (its gettext calls).
    path(
        "jsi18n/",
        JavaScriptCatalog.as_view(packages=["django_otp_webauthn"]),
        name="js-i18n-catalog",
    ),
]
