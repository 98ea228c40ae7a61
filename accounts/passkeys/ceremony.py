"""django-otp-webauthn's ceremonies, with Folio's rules around them.

The library verifies everything WebAuthn asks for (challenge, origin, relying party,
signature, sign count, the credential's owner); Folio adds:
- a name for each new passkey (the browser it was made in) and an audit row;
- only people who may use the admin (active staff) register passkeys or sign in with one;
- an audit row for each sign-in through a passkey, whose factor is "passkey";
- after signing in, the admin (or the page the sign-in form was asked for) rather than
  settings.LOGIN_REDIRECT_URL.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate, login
from django.urls import reverse
from django_otp import login as otp_login
from django_otp_webauthn import exceptions, views
from django_otp_webauthn.helpers import WebAuthnHelper

from accounts.passkeys import services
from accounts.passkeys.services import NAME_MAX_LENGTH
from accounts.user_sessions import device_name


class NotAdminUser(exceptions.OTPWebAuthnApiError):
    status_code = 403
    default_detail = "This account cannot sign in to the admin."
    default_code = "not_admin_user"


class FolioWebAuthnHelper(WebAuthnHelper):
    """Names each new passkey after the browser that made it ("Chrome 131 on Linux"), and
    audits it (OTP_WEBAUTHN_HELPER_CLASS)."""

    def create_credential(self, user, response, parsed_credential, original_data):
        credential = super().create_credential(user, response, parsed_credential, original_data)
        agent = self.request.headers.get("user-agent", "")
        credential.name = device_name(agent)[:NAME_MAX_LENGTH]
        return credential

    def register_complete(self, user, state: dict, data: dict):
        credential = super().register_complete(user=user, state=state, data=data)
        services.passkey_added_record(actor=user, passkey=credential)
        return credential


def _ensure_admin_user(user: Any) -> None:
    if not (user.is_active and user.is_staff):
        raise NotAdminUser()


class BeginRegistrationView(views.BeginCredentialRegistrationView):
    def check_can_register(self) -> None:
        _ensure_admin_user(self.request.user)


class CompleteRegistrationView(views.CompleteCredentialRegistrationView):
    def check_can_register(self) -> None:
        _ensure_admin_user(self.request.user)


class BeginAuthenticationView(views.BeginCredentialAuthenticationView):
    """Signed in with a password: the user's own passkeys (the second step). Signed out: any
    discoverable passkey, which the browser offers (signing in with a passkey alone)."""


class CompleteAuthenticationView(views.CompleteCredentialAuthenticationView):
    def check_device_usable(self, device) -> None:
        super().check_device_usable(device)
        _ensure_admin_user(device.user)

    def complete_auth(self, device) -> None:
        passwordless = not self.request.user.is_authenticated
        if passwordless:
            # authenticate() marks the user with WebAuthnBackend, which login() records.
            user = authenticate(self.request, webauthn_credential=device)
            if user is None:
                raise exceptions.UserDisabled()
            login(self.request, user)
        # The session has passed two-factor verification, with this passkey.
        otp_login(self.request, device)
        services.passkey_sign_in_record(user=device.user, passwordless=passwordless)

    def get_success_url(self) -> str:
        return self.get_redirect_url() or reverse("admin:index")
